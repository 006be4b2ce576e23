package ar.loteria.central.ledger;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.ErrorCode;

/**
 * The decision for one FINISH (PROTOCOL.md section 7): refused with COUNT_MISMATCH when its total is not the
 * agency's stored bets (the agency is not marked finished), acknowledged without a word when the agency had finished
 * already (a FINISH counts once), or the agency's first FINISH, which the ledger records and then reports with
 * {@link #recorded} or {@link #notRecorded}. The outcomes and the log lines come from here, once.
 *
 * <p>Made by {@link LedgerRules#finish}; storage thread only.
 *
 * @param agency the agency
 * @param total  the bets it says it sent
 * @param stored its bets in the store
 * @param kind   which of the three
 */
public record FinishDecision(long agency, long total, long stored, Kind kind) {

    /** The three decisions. */
    public enum Kind { COUNT_MISMATCH, AGAIN, FIRST }

    /** Whether the ledger has to record this FINISH. */
    public boolean toRecord() {
        return kind == Kind.FIRST;
    }

    /**
     * The outcome of a decision that needs no recording (a mismatch, logged here, or a FINISH again). Only for
     * {@link Kind#COUNT_MISMATCH} and {@link Kind#AGAIN}.
     */
    public Outcome outcome() {
        if (kind == Kind.FIRST) {
            throw new IllegalStateException("a first FINISH is answered once recorded");
        }
        if (kind == Kind.AGAIN) {
            return Outcome.DONE;
        }
        String reason = "agency " + agency + " says it sent " + total + " bets but " + stored + " are stored";
        CentralLog.finishRefused(agency, reason);
        return Outcome.refused(ErrorCode.COUNT_MISMATCH, reason);
    }

    /**
     * The first FINISH is recorded.
     *
     * @param agenciesFinished distinct agencies finished, this one included
     */
    public Outcome recorded(int agenciesFinished) {
        CentralLog.finished(agency, stored, agenciesFinished);
        return Outcome.DONE;
    }

    /**
     * A FINISH the store could not even decide (it could not be read): refused with STORAGE_FAILURE.
     *
     * @param logged whether it gets its line (not while an incident the ledger already logged goes on)
     */
    public static Outcome undecided(long agency, String cause, boolean logged) {
        return new FinishDecision(agency, 0, 0, Kind.FIRST).notRecorded(cause, logged);
    }

    /**
     * The first FINISH could not be recorded: refused with STORAGE_FAILURE (the agency tries again).
     *
     * @param logged whether it gets its line (not while an incident the ledger already logged goes on)
     */
    public Outcome notRecorded(String cause, boolean logged) {
        if (logged) {
            CentralLog.finishRefused(agency, cause);
        }
        return Outcome.refused(ErrorCode.STORAGE_FAILURE, "the FINISH could not be recorded: " + cause);
    }
}
