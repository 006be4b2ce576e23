package ar.loteria.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fails a test class when Netty's leak detector reported a {@code ByteBuf} that was never released. Registered
 * for every test class through the service loader ({@code junit.jupiter.extensions.autodetection.enabled}).
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
                "tests must run with -Dio.netty.leakDetection.level=paranoid");
        // Leaks are found when a collected buffer's tracker is polled, which happens on the next allocation.
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            allocateAndRelease();
        }
        assertTrue(FailingLeakDetector.CREATED.get() > 0,
                "FailingLeakDetector is not installed (-Dio.netty.customResourceLeakDetector)");
        List<String> leaks = new ArrayList<>(FailingLeakDetector.LEAKS);
        FailingLeakDetector.LEAKS.clear();
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " ByteBuf leak(s) reported by the end of " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }

    private static void allocateAndRelease() {
        for (int i = 0; i < 16; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.buffer(8);
            ByteBuf heap = UnpooledByteBufAllocator.DEFAULT.heapBuffer(8);
            pooled.release();
            heap.release();
        }
    }
}
