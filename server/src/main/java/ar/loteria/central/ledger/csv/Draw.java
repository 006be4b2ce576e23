package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.LedgerRules;
import ar.loteria.central.log.CentralLog;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who has finished and the draw itself: made once, when the ledger finds it due ({@link LedgerRules#drawDue}), it
 * hands out the winners the index holds at that moment. Storage thread only.
 */
final class Draw {

    private final int agenciesToFinish;
    private final Clock clock;
    private final Set<Long> finished = new HashSet<>();
    private Map<Long, List<String>> winners;
    private Instant drawnAt;

    Draw(int agenciesToFinish, Clock clock) {
        this.agenciesToFinish = agenciesToFinish;
        this.clock = clock;
    }

    int agenciesToFinish() {
        return agenciesToFinish;
    }

    /** Takes who had finished before a restart from the store's finish log, and says what it found. */
    void restore(FinishLog finishes) {
        for (long agency : finishes.finished()) {
            finished.add(agency);
        }
        if (finishes.found() == FinishLog.Found.RESTORED) {
            CentralLog.finishesRestored(finishes.path(), finished.size());
        } else if (finishes.found() == FinishLog.Found.DISCARDED) {
            CentralLog.finishesDiscarded(finishes.path());
        }
    }

    /** Records a FINISH; whether it was the agency's first. */
    boolean finish(long agency) {
        return finished.add(agency);
    }

    boolean finished(long agency) {
        return finished.contains(agency);
    }

    /** The agencies that finished (an agency may finish with no bets). */
    Set<Long> finishedAgencies() {
        return finished;
    }

    int finishedCount() {
        return finished.size();
    }

    boolean drawn() {
        return winners != null;
    }

    Instant drawnAt() {
        return drawnAt;
    }

    /** Draws, now, with the winners the index holds; logs {@code sorteo}. Only once, and only when due. */
    void draw(WinnersIndex index, long betsStored) {
        long started = System.nanoTime();
        winners = index.freeze();
        drawnAt = clock.instant();
        int total = 0;
        for (List<String> documents : winners.values()) {
            total += documents.size();
        }
        LedgerRules.announceDraw(betsStored, total, (System.nanoTime() - started) / 1_000_000);
    }

    /** {@code agency}'s winners; only once drawn. */
    List<String> winnersOf(long agency) {
        return winners.getOrDefault(agency, List.of());
    }
}
