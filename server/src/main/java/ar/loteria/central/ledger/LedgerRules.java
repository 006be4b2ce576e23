package ar.loteria.central.ledger;

import ar.loteria.central.log.CentralLog;

import java.util.List;

/**
 * The protocol's rules for what a ledger stores and when the lottery draws (PROTOCOL.md section 7), written once
 * for every store. A ledger supplies what its store knows of an agency ({@link AgencyState}) and whether bets are
 * still taken, the rules decide, and the outcomes and log lines come from the decisions; the ledger only persists.
 * So a rule changes in one place, and a new store keeps every rule by calling these (the contract tests check it).
 *
 * <p>Static and stateless; each decision object is the storage thread's.
 */
public final class LedgerRules {

    private LedgerRules() {
    }

    /** The decisions for a group of batches stored in one write, in order; see {@link BatchGroup}. */
    public static BatchGroup group(List<Batch> batches) {
        return new BatchGroup(batches);
    }

    /** The decision for a FINISH of {@code agency} saying it sent {@code total} bets. */
    public static FinishDecision finish(long agency, long total, AgencyState state) {
        FinishDecision.Kind kind = total != state.stored() ? FinishDecision.Kind.COUNT_MISMATCH
                : state.finished() ? FinishDecision.Kind.AGAIN : FinishDecision.Kind.FIRST;
        return new FinishDecision(agency, total, state.stored(), kind);
    }

    /** Whether the draw is due: not made yet and {@code agenciesToFinish} distinct agencies have finished. */
    public static boolean drawDue(boolean drawn, int agenciesFinished, int agenciesToFinish) {
        return !drawn && agenciesFinished >= agenciesToFinish;
    }

    /**
     * This central knows the draw: {@code sorteo} (once, before any winners are sent), then its figures.
     *
     * @param bets    the bets it was made over
     * @param winners winning bets
     * @param millis  how long making or reading it took
     */
    public static void announceDraw(long bets, int winners, long millis) {
        CentralLog.drawn();
        CentralLog.drawFigures(bets, winners, millis);
    }
}
