package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;

import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * What every connection of one agency run shares: its settings, its bets, how senders start, the outcome that
 * ends the run, and how it paces itself while the central's store refuses bets. Thread-safe but for the pacing,
 * which only the event loop uses; the future is completed once by whoever ends the run.
 */
record AgencyRun(AgencyConfig config, BetInput bets, AgencyTuning tuning, SenderLauncher launcher,
                 CompletableFuture<AgencyOutcome> outcome, StoragePacing pacing) {

    AgencyRun {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(bets, "bets");
        Objects.requireNonNull(tuning, "tuning");
        Objects.requireNonNull(launcher, "launcher");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(pacing, "pacing");
    }

    /** A run whose pacing draws its jitter from a generator of its own. */
    AgencyRun(AgencyConfig config, BetInput bets, AgencyTuning tuning, SenderLauncher launcher,
              CompletableFuture<AgencyOutcome> outcome) {
        this(config, bets, tuning, launcher, outcome, new StoragePacing(tuning.window(), new SplittableRandom()));
    }

    /** Ends the run; a later call (a second failure, a late event) changes nothing. */
    void end(AgencyOutcome result) {
        outcome.complete(result);
    }

    boolean ended() {
        return outcome.isDone();
    }
}
