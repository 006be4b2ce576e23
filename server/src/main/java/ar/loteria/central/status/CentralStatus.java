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
 */
public record CentralStatus(Instant at, int agenciesExpected, int agenciesFinished, Instant drawnAt, long betsStored,
                            long batchesStored, Map<ErrorCode, Long> batchesRefused, int resultsWaiting,
                            long storeBytes, List<AgencyStatus> agencies) {

    public CentralStatus {
        batchesRefused = Map.copyOf(batchesRefused);
        agencies = List.copyOf(agencies);
    }

    public boolean drawn() {
        return drawnAt != null;
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
