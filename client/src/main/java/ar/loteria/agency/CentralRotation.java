package ar.loteria.agency;

import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.CentralAddress;

import java.util.List;

/**
 * Which central an agency dials next, and whether it still may. It starts at the agency's own entry of the list
 * ({@link AgencyConfig#startEntry()}) and moves on to the next entry, round the list, whenever an attempt fails
 * (refused, or closed before WELCOME) or a welcomed connection drops. The next untried entry of a round is dialled
 * at once; a new round, and a reconnect after a drop, wait the retry delay. The retry budget runs from the first
 * failure while no entry of the list answers with a WELCOME; any WELCOME starts it again. While none of those
 * attempts got an answer (the central's name did not resolve, the connection timed out, or HELLO went unanswered
 * for the answer timeout), the longer unanswered budget applies instead: a DNS server may not know a container that
 * has just started, and a central starved of CPU among starting containers may leave its accept queue full (new
 * connections time out) or its accepted connections unread. A refusal, or a connection the central closed before
 * WELCOME, is an answer. With a single address this is that central, retried every delay for the budget.
 *
 * <p>Per run; event loop only.
 */
final class CentralRotation {

    private final List<CentralAddress> centrals;
    private final long retryDelayNanos;
    private final long retryBudgetNanos;
    private final long unansweredBudgetNanos;
    private int entry;
    /** Attempts failed since the last WELCOME. */
    private int failedAttempts;
    /** When the first of those failed. */
    private long firstFailureNanos;
    /** Whether none of those got an answer. */
    private boolean onlyUnanswered;

    CentralRotation(AgencyConfig config, AgencyTuning tuning) {
        this.centrals = config.centrals();
        this.entry = config.startEntry();
        this.retryDelayNanos = tuning.retryDelay().toNanos();
        this.retryBudgetNanos = tuning.retryBudget().toNanos();
        this.unansweredBudgetNanos = Math.max(tuning.unansweredBudget().toNanos(), retryBudgetNanos);
    }

    /** The index in the list of the central to dial now. */
    int entry() {
        return entry;
    }

    /** Attempts failed since the last WELCOME. */
    int failedAttempts() {
        return failedAttempts;
    }

    /** The current central answered: the retry budget starts again. */
    void welcomed() {
        failedAttempts = 0;
    }

    /**
     * An attempt on the current central failed at {@code nowNanos}, {@code unanswered} when nothing answered it: moves
     * on to the next entry and returns how long to wait before dialling it, or -1 when the budget is spent.
     */
    long failed(long nowNanos, boolean unanswered) {
        if (failedAttempts++ == 0) {
            firstFailureNanos = nowNanos;
            onlyUnanswered = true;
        }
        onlyUnanswered &= unanswered;
        if (nowNanos - firstFailureNanos >= (onlyUnanswered ? unansweredBudgetNanos : retryBudgetNanos)) {
            return -1;
        }
        entry = (entry + 1) % centrals.size();
        return failedAttempts % centrals.size() == 0 ? retryDelayNanos : 0;
    }

    /** A welcomed connection dropped: moves on to the next entry; returns how long to wait before dialling it. */
    long dropped() {
        entry = (entry + 1) % centrals.size();
        return retryDelayNanos;
    }
}
