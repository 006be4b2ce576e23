package ar.loteria.soak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The soak's figures and the checks that failed, filled in as the soak goes and printed at its end as one line per
 * figure, then each failed check, then {@code soak: PASS} or {@code soak: FAIL (N failed checks)}. Used on one
 * thread (the soak's).
 */
final class SoakReport {

    int cyclesAsked;
    int cycles;
    int kills;
    /** Kills of a central that had stored bets of its own by then: the ingest was under way. */
    int killsMidIngest;
    int killsOnGrowth;
    int killsOnDelay;
    /** Kills counted from the central listening rather than from every agency being back. */
    int killsEarly;
    /** Kills that came because the store had grown by the most a cycle may take before every agency was back. */
    int killsBeforeAllBack;
    int restarts;
    final List<Double> restartSeconds = new ArrayList<>();
    int tornByKills;
    int tornWritten;
    int repairs;
    long bytesCut;
    int reconnects;
    int resumes;
    int finishes;
    /** FINISHes an agency sent again because a restarted central had forgotten its first. */
    int finishesAgain;
    int retries;
    long batchesRepeated;
    long betsRepeated;
    long acks;
    long ackedBets;
    /** Bets stored exactly once that no BATCH_ACK ever covered: their central died before it answered. */
    long neverAcked;
    long betsChecked;
    int draws;
    int centralFailLines;
    int agencyFailLines;
    double wallSeconds;
    private final List<String> failures = new ArrayList<>();

    /** Records a failed check; {@code message} says what was expected and what was found. */
    void fail(String message) {
        failures.add(message);
    }

    boolean passed() {
        return failures.isEmpty();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    void print(PrintStream out) {
        out.printf(Locale.ROOT, "cycles: %d of %d%n", cycles, cyclesAsked);
        out.printf(Locale.ROOT, "kills: %d (SIGKILL; %d after the killed central had stored bets; %d as the store "
                + "grew, %d at their delay; %d early, counted from the central listening; %d before every agency was "
                + "back)%n", kills, killsMidIngest, killsOnGrowth, killsOnDelay, killsEarly, killsBeforeAllBack);
        out.printf(Locale.ROOT, "restarts: %d (kill to listening: median %.2f s, max %.2f s)%n", restarts,
                percentile(0.5), percentile(1.0));
        out.printf(Locale.ROOT, "torn rows repaired: %d (%d left by kills, %d written by the soak; %,d bytes cut)%n",
                repairs, tornByKills, tornWritten, bytesCut);
        out.printf(Locale.ROOT, "agency reconnects: %d after a lost connection, %d connection retries while the "
                + "central was down, %d resumes (WELCOME with bets already stored)%n", reconnects, retries, resumes);
        out.printf(Locale.ROOT, "finishes: %d FINISH_ACKs, %d of them again after a restart forgot the agency's "
                + "FINISH%n", finishes, finishesAgain);
        out.printf(Locale.ROOT, "batches resent and recognized: %,d (lote_repetido, %,d bets)%n", batchesRepeated,
                betsRepeated);
        out.printf(Locale.ROOT, "acks checked: %,d batch_ack lines for %,d bets, each within the store at the next "
                + "kill%n", acks, ackedBets);
        out.printf(Locale.ROOT, "stored but never acknowledged: %,d bets (the central died before answering; the "
                + "agency resumed after them, as WELCOME said)%n", neverAcked);
        out.printf(Locale.ROOT, "bets checked: %,d (the store holds each agency's input exactly once, in order)%n",
                betsChecked);
        out.printf(Locale.ROOT, "draws: %d%n", draws);
        out.printf(Locale.ROOT, "result: fail lines: %d of the centrals, %d of the agencies%n", centralFailLines,
                agencyFailLines);
        out.printf(Locale.ROOT, "wall time: %.1f s%n", wallSeconds);
        for (String failure : failures) {
            out.println("FAIL: " + failure);
        }
        out.println(passed() ? "soak: PASS" : "soak: FAIL (" + failures.size() + " failed check"
                + (failures.size() == 1 ? ")" : "s)"));
    }

    private double percentile(double p) {
        if (restartSeconds.isEmpty()) {
            return 0;
        }
        List<Double> sorted = restartSeconds.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
