package ar.loteria.central.ledger.csv;

import ar.loteria.central.log.CentralLog;

import java.nio.file.Path;

/**
 * An incident of the store not taking writes (a full disk, say): logged once when it starts, with its cause, and
 * once when a write succeeds again, with how many batches were refused meanwhile. Every agency keeps retrying
 * until then, so a line per refused batch would flood the log. Storage thread only.
 */
final class WriteIncident {

    private final Path file;
    /** Batches refused since the incident began, or -1 while the store writes. */
    private long refused = -1;

    WriteIncident(Path file) {
        this.file = file;
    }

    /**
     * A write failed and {@code batches} were refused for it.
     *
     * @return whether this failure began the incident (its batches are worth a line each)
     */
    boolean failed(Exception cause, int batches) {
        boolean first = refused < 0;
        if (first) {
            CentralLog.storeCannotWrite(file, String.valueOf(cause.getMessage()));
            refused = 0;
        }
        refused += batches;
        return first;
    }

    /** A write succeeded: ends an incident, if there was one. */
    void written() {
        if (refused >= 0) {
            CentralLog.storeWritesAgain(file, refused);
            refused = -1;
        }
    }
}
