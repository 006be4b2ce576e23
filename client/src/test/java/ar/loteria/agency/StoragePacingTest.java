package ar.loteria.agency;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How an agency paces its reconnects and its first window while the central's store refuses its bets. */
class StoragePacingTest {

    private static final long DELAY = Duration.ofSeconds(1).toNanos();

    @Test
    void withoutRefusalsTheWindowIsWholeAndTheDelayTheRetryDelay() {
        // given
        StoragePacing pacing = new StoragePacing(32, new SplittableRandom(7));

        // then
        assertEquals(32, pacing.firstWindow());
        assertEquals(DELAY, pacing.reconnectDelayNanos(DELAY));
    }

    @Test
    void refusalsInARowShrinkTheFirstWindowToOneAndWaitUpToTwoRetryDelaysWithJitter() {
        // given
        StoragePacing pacing = new StoragePacing(32, new SplittableRandom(7));

        // when: the first refusal, then nine more in a row, a thousand delays drawn after each
        pacing.refused();
        long[] afterFirst = range(pacing, 1_000);
        for (int i = 0; i < 9; i++) {
            pacing.refused();
        }
        long[] afterTenth = range(pacing, 1_000);

        // then: one batch to try the store; half to all of a delay after the first, one to two delays later on
        assertEquals(1, pacing.firstWindow());
        assertTrue(afterFirst[0] >= DELAY / 2 && afterFirst[1] <= DELAY, afterFirst[0] + ".." + afterFirst[1]);
        assertTrue(afterTenth[0] >= DELAY && afterTenth[1] <= StoragePacing.MAX_DELAYS * DELAY,
                afterTenth[0] + ".." + afterTenth[1]);
        assertTrue(afterTenth[1] - afterTenth[0] > DELAY / 2, "the delays are spread, not all alike");
    }

    @Test
    void anAcceptedBatchEndsThePacing() {
        // given
        StoragePacing pacing = new StoragePacing(32, new SplittableRandom(7));
        pacing.refused();
        pacing.refused();

        // when
        pacing.accepted();

        // then
        assertEquals(32, pacing.firstWindow());
        assertEquals(DELAY, pacing.reconnectDelayNanos(DELAY));
    }

    /** The least and the most of {@code draws} reconnect delays. */
    private static long[] range(StoragePacing pacing, int draws) {
        long least = Long.MAX_VALUE;
        long most = Long.MIN_VALUE;
        for (int i = 0; i < draws; i++) {
            long delay = pacing.reconnectDelayNanos(DELAY);
            least = Math.min(least, delay);
            most = Math.max(most, delay);
        }
        return new long[] {least, most};
    }
}
