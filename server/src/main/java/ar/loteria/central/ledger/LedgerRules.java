package ar.loteria.central.ledger;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.log.CentralLog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The protocol's rules for what a ledger stores and when the lottery draws (PROTOCOL.md section 7), written once
 * for every store. A ledger supplies what its store knows of an agency ({@link AgencyState}) and whether bets are
 * still taken, the rules decide, and the outcomes and log lines come from the decisions; the ledger only persists.
 * So a rule changes in one place, and a new store keeps every rule by calling these (the contract tests check it).
 *
 * <p>Static and stateless; each decision object is the storage thread's.
 */
public final class LedgerRules {

    /** Agencies left unfinished by a close named one line each; more than this, in one line. */
    static final int UNFINISHED_LINES = 20;

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
     * Whether the draw is due: not made yet, and {@code agenciesToFinish} distinct agencies have finished or betting
     * has closed.
     *
     * @param closesAt the close of betting, or {@code null}
     */
    public static boolean drawDue(boolean drawn, int agenciesFinished, int agenciesToFinish, Instant closesAt,
                                  Instant now) {
        return !drawn && (agenciesFinished >= agenciesToFinish || closed(closesAt, now));
    }

    /** Whether betting has closed at {@code now}: there is a close, and it is not in the future. */
    public static boolean closed(Instant closesAt, Instant now) {
        return closesAt != null && !now.isBefore(closesAt);
    }

    /**
     * When betting closes: {@code DRAW_AT}, or {@code DRAW_AFTER_SECONDS} after the lottery's first accepted FINISH,
     * whichever comes first; {@code null} while neither is known (no close configured, or no FINISH yet).
     *
     * @param firstFinish when the lottery accepted its first FINISH, or {@code null}
     */
    public static Instant closesAt(CloseSettings close, Instant firstFinish) {
        Instant after = close.afterFirstFinish() != null && firstFinish != null
                ? firstFinish.plus(close.afterFirstFinish()) : null;
        if (close.drawAt() == null) {
            return after;
        }
        return after == null || close.drawAt().isBefore(after) ? close.drawAt() : after;
    }

    /**
     * Betting closed before every agency finished: the close, then the agencies it left unfinished, one line each,
     * or one line listing them when there are more than {@link #UNFINISHED_LINES}.
     *
     * @param at               when betting closed
     * @param agenciesToFinish AGENCIES
     * @param finished         agencies that had finished
     * @param unfinished       agencies known (they had bets) that had not finished, and their stored bets
     */
    public static void announceClose(Instant at, int agenciesToFinish, int finished, Map<Long, Long> unfinished) {
        int unseen = Math.max(0, agenciesToFinish - finished - unfinished.size());
        CentralLog.bettingClosed(at, finished, unfinished.size(), unseen);
        List<Long> agencies = new ArrayList<>(unfinished.keySet());
        Collections.sort(agencies);
        if (agencies.size() <= UNFINISHED_LINES) {
            for (long agency : agencies) {
                CentralLog.unfinishedAtClose(agency, unfinished.get(agency));
            }
        } else {
            CentralLog.unfinishedAtClose(agencies);
        }
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
