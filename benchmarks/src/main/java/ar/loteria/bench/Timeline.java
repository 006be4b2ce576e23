package ar.loteria.bench;

import java.util.concurrent.atomic.AtomicLong;

/** The moments one load run is measured by, gathered from every agency's event loop. Thread-safe. */
final class Timeline {

    private final AtomicLong firstByte = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastAck = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lastFinish = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong firstWinners = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastWinners = new AtomicLong(Long.MIN_VALUE);

    void firstByte(long nanos) {
        firstByte.accumulateAndGet(nanos, Math::min);
    }

    /** When the first batch was sent, in {@link System#nanoTime()} terms. */
    long firstByteNanos() {
        return firstByte.get();
    }

    void lastAck(long nanos) {
        lastAck.accumulateAndGet(nanos, Math::max);
    }

    void finishSent(long nanos) {
        lastFinish.accumulateAndGet(nanos, Math::max);
    }

    void winners(long nanos) {
        firstWinners.accumulateAndGet(nanos, Math::min);
        lastWinners.accumulateAndGet(nanos, Math::max);
    }

    /** First batch sent to last batch acknowledged. */
    double ingestSeconds() {
        return (lastAck.get() - firstByte.get()) / 1e9;
    }

    /** First batch sent to the last agency's winners. */
    double untilLastWinnersSeconds() {
        return (lastWinners.get() - firstByte.get()) / 1e9;
    }

    /** Last FINISH sent to the first winners answer: the draw as agencies see it. */
    double drawMillis() {
        return (firstWinners.get() - lastFinish.get()) / 1e6;
    }
}
