package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.UnusableStoreException;

import java.nio.file.Path;

/** The bets file holds a complete row that is not a stored bet: the central will not append to it. */
public final class CorruptStoreException extends UnusableStoreException {

    private static final long serialVersionUID = 1L;

    public CorruptStoreException(Path file, String message) {
        super(file, message, null);
    }
}
