package ar.loteria.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Proves that a dropped buffer reaches {@link FailingLeakDetector}, which is what makes leaks fail the build. */
class LeakDetectorWiringTest {

    @Test
    void droppedBufferIsReportedAsLeak() throws InterruptedException {
        // given: a buffer nobody releases
        dropBuffer();

        // when: it is collected and the detector polls on the next allocations
        for (int round = 0; round < 50 && FailingLeakDetector.LEAKS.isEmpty(); round++) {
            System.gc();
            Thread.sleep(10);
            PooledByteBufAllocator.DEFAULT.buffer(8).release();
        }

        // then
        assertFalse(FailingLeakDetector.LEAKS.isEmpty(), "the leak was not reported");
        FailingLeakDetector.LEAKS.clear();
    }

    private static void dropBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeInt(42);
    }
}
