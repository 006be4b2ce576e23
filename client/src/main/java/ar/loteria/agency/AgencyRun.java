package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * What every connection of one agency run shares: its settings, its bets, how senders start, and the outcome
 * that ends the run. Thread-safe: immutable, and the future is completed once by whoever ends the run.
 */
record AgencyRun(AgencyConfig config, BetInput bets, AgencyTuning tuning, SenderLauncher launcher,
                 CompletableFuture<AgencyOutcome> outcome) {

    AgencyRun {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(bets, "bets");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Ends the run; a later call (a second failure, a late event) changes nothing. */
    void end(AgencyOutcome result) {
        outcome.complete(result);
    }

    boolean ended() {
        return outcome.isDone();
    }
}
