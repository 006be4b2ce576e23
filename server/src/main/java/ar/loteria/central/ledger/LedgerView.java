package ar.loteria.central.ledger;

import java.time.Instant;
import java.util.List;

/**
 * What a ledger holds, in counts, at one moment: the read-only view the central's status is built from.
 *
 * @param agenciesExpected how many distinct agencies must finish before the draw
 * @param drawnAt          when the draw happened, {@code null} before it
 * @param storeBytes       the store's size in bytes (0 where the store has no such figure)
 * @param agencies         every agency the ledger knows of, in no particular order
 * @param closesAt         when betting closes (or closed), {@code null} when no close is known
 */
public record LedgerView(int agenciesExpected, Instant drawnAt, long storeBytes, List<AgencyTally> agencies,
                         Instant closesAt) {

    public LedgerView {
        agencies = List.copyOf(agencies);
    }

    /** A view of a lottery without a close of betting. */
    public LedgerView(int agenciesExpected, Instant drawnAt, long storeBytes, List<AgencyTally> agencies) {
        this(agenciesExpected, drawnAt, storeBytes, agencies, null);
    }

    public boolean drawn() {
        return drawnAt != null;
    }

    public long betsStored() {
        long total = 0;
        for (AgencyTally agency : agencies) {
            total += agency.stored();
        }
        return total;
    }

    /** Agencies known (with bets stored) that have not finished. */
    public int agenciesNotFinished() {
        int open = 0;
        for (AgencyTally agency : agencies) {
            open += agency.finished() ? 0 : 1;
        }
        return open;
    }

    public int agenciesFinished() {
        int finished = 0;
        for (AgencyTally agency : agencies) {
            finished += agency.finished() ? 1 : 0;
        }
        return finished;
    }
}
