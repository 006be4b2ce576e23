package ar.loteria.central.status;

import ar.loteria.codec.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The lottery's state at one moment, as the storage thread publishes it for the operator's view: immutable, so any
 * thread may read the latest one without asking the storage thread anything. Counts only: never a document or a name.
 *
 * @param at               when it was taken
 * @param agenciesExpected distinct agencies that must finish before the draw (AGENCIES)
 * @param agenciesFinished agencies whose FINISH was accepted
 * @param drawnAt          when the draw happened, {@code null} before it
 * @param betsStored       bets in the store
 * @param batchesStored    batches stored since the central started
 * @param batchesRefused   batches refused since the central started, per error code
 * @param resultsWaiting   RESULTS requests parked until the draw
 * @param storeBytes       the store's size in bytes
 * @param agencies         one entry per agency known to the store or connected, by id
 * @param ingest           the bets stored at each publication of about the last minute, oldest first, this one
 *                         last: the ingest-rate chart
 * @param closesAt         when betting closes (or closed): DRAW_AT, or DRAW_AFTER_SECONDS after the first FINISH;
 *                         {@code null} when no close is known
 */
public record CentralStatus(Instant at, int agenciesExpected, int agenciesFinished, Instant drawnAt, long betsStored,
                            long batchesStored, Map<ErrorCode, Long> batchesRefused, int resultsWaiting,
                            long storeBytes, List<AgencyStatus> agencies, List<IngestSample> ingest,
                            Instant closesAt) {

    public CentralStatus {
        batchesRefused = Map.copyOf(batchesRefused);
        agencies = List.copyOf(agencies);
        ingest = List.copyOf(ingest);
    }

    /** A status of a lottery without a close of betting. */
    public CentralStatus(Instant at, int agenciesExpected, int agenciesFinished, Instant drawnAt, long betsStored,
                         long batchesStored, Map<ErrorCode, Long> batchesRefused, int resultsWaiting,
                         long storeBytes, List<AgencyStatus> agencies, List<IngestSample> ingest) {
        this(at, agenciesExpected, agenciesFinished, drawnAt, betsStored, batchesStored, batchesRefused,
                resultsWaiting, storeBytes, agencies, ingest, null);
    }

    /** Of the agencies the draw waits for (AGENCIES), how many have not finished. */
    public int agenciesNotFinished() {
        return Math.max(0, agenciesExpected - agenciesFinished);
    }

    public boolean drawn() {
        return drawnAt != null;
    }

    /** Batches refused since the central started, whatever the reason. */
    public long batchesRefusedTotal() {
        long total = 0;
        for (long refused : batchesRefused.values()) {
            total += refused;
        }
        return total;
    }

    /** Winning bets over all agencies once the draw has happened, -1 before. */
    public long winners() {
        if (!drawn()) {
            return -1;
        }
        long total = 0;
        for (AgencyStatus agency : agencies) {
            total += Math.max(0, agency.winners());
        }
        return total;
    }

    /** Agencies with at least one connection bound to them. */
    public int agenciesConnected() {
        int connected = 0;
        for (AgencyStatus agency : agencies) {
            connected += agency.connections() > 0 ? 1 : 0;
        }
        return connected;
    }

    /** Open connections bound to an agency. */
    public int agencyConnections() {
        int total = 0;
        for (AgencyStatus agency : agencies) {
            total += agency.connections();
        }
        return total;
    }
}
