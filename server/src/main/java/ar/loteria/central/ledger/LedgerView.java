package ar.loteria.central.ledger;

import java.time.Instant;
import java.util.List;

/**
 * What a ledger holds, in counts, at one moment: the read-only view the central's status is built from.
 *
 * @param agenciesExpected how many distinct agencies must finish before the draw
 * @param drawnAt          when the draw happened, {@code null} before it
 * @param storeBytes       the store's size in bytes (0 where the store has no such figure)
 * @param betsStored       bets in the store, over all agencies
 * @param agenciesFinished agencies whose FINISH was accepted, over all agencies
 * @param agencies         the agencies this view was asked for ({@link Ledger#view(java.util.Collection)}), or
 *                         every agency the ledger knows of; in no particular order
 * @param closesAt         when betting closes (or closed), {@code null} when no close is known
 */
public record LedgerView(int agenciesExpected, Instant drawnAt, long storeBytes, long betsStored,
                         int agenciesFinished, List<AgencyTally> agencies, Instant closesAt) {

    public LedgerView {
        agencies = List.copyOf(agencies);
    }

    /** A view of every agency the ledger knows of: the totals are theirs. */
    public LedgerView(int agenciesExpected, Instant drawnAt, long storeBytes, List<AgencyTally> agencies,
                      Instant closesAt) {
        this(agenciesExpected, drawnAt, storeBytes, betsOf(agencies), finishedOf(agencies), agencies, closesAt);
    }

    /** A view of every agency of a lottery without a close of betting. */
    public LedgerView(int agenciesExpected, Instant drawnAt, long storeBytes, List<AgencyTally> agencies) {
        this(agenciesExpected, drawnAt, storeBytes, agencies, null);
    }

    public boolean drawn() {
        return drawnAt != null;
    }

    /** Of the agencies in this view (with bets stored), those that have not finished. */
    public int agenciesNotFinished() {
        int open = 0;
        for (AgencyTally agency : agencies) {
            open += agency.finished() ? 0 : 1;
        }
        return open;
    }

    private static long betsOf(List<AgencyTally> agencies) {
        long total = 0;
        for (AgencyTally agency : agencies) {
            total += agency.stored();
        }
        return total;
    }

    private static int finishedOf(List<AgencyTally> agencies) {
        int finished = 0;
        for (AgencyTally agency : agencies) {
            finished += agency.finished() ? 1 : 0;
        }
        return finished;
    }
}
