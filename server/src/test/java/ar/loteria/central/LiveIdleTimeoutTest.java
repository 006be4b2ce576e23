package ar.loteria.central;

import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.testkit.SocketAgency;
import ar.loteria.testkit.WireFrames;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static ar.loteria.central.LiveCentral.IDLE;
import static ar.loteria.central.LiveCentral.LOG_WAIT;
import static ar.loteria.central.LiveCentral.OTHER;
import static ar.loteria.central.LiveCentral.assertClosed;
import static ar.loteria.central.LiveCentral.bet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that stay silent, stop mid-frame or trickle, against the real central over sockets ({@link
 * LiveCentral}): each is closed with IDLE_TIMEOUT about the timeout after its last progress, and the parked agency
 * is untouched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveIdleTimeoutTest {

    @TempDir
    Path dir;

    @AutoClose
    private LiveCentral central;

    @BeforeEach
    void createCentral() {
        central = new LiveCentral(dir);
    }

    @Test
    void connectionThatNeverSaysWhoItIsIsClosedAfterTheIdleTimeout() throws Exception {
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency silent = central.connect();
        long started = System.nanoTime();

        ErrorReply error = assertInstanceOf(ErrorReply.class, silent.receive());

        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(silent);
        central.log().await("WARN action: identificar | result: fail", LOG_WAIT);
        central.otherAgencyCompletes(parked, null);
    }

    @Test
    void agencyThatStopsTalkingMidFrameIsClosedAfterTheIdleTimeout() throws Exception {
        // given
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency stalled = central.hello(OTHER);
        byte[] frame = WireFrames.bytes(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574))));

        // when: half a frame, then silence
        stalled.sendRaw(Arrays.copyOf(frame, frame.length / 2));
        long started = System.nanoTime();

        // then
        ErrorReply error = assertInstanceOf(ErrorReply.class, stalled.receive());
        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(stalled);
        central.log().await("WARN action: recibir_mensaje | result: fail | agency: 2", LOG_WAIT);
        central.otherAgencyCompletes(parked, null);
    }

    @Test
    void tricklingAgencyIsClosedAfterTheIdleTimeoutAndTheParkedAgencyIsUntouched() throws Exception {
        // given: a whole batch frame, sent one byte every 300 ms (it would take far longer than the timeout)
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency trickler = central.hello(OTHER);
        byte[] frame = WireFrames.bytes(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574), bet(OTHER, 1, 1))));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        Future<Integer> sent = writer.submit(() -> {
            int i = 0;
            try {
                for (; i < frame.length && !stop.get(); i++) {
                    trickler.sendRaw(new byte[] {frame[i]});
                    Thread.sleep(300);
                }
            } catch (IOException closed) {
                // the central closed the connection under the trickle
            }
            return i;
        });

        // when / then: IDLE_TIMEOUT about the timeout after the first byte, and the connection is closed
        ErrorReply error = assertInstanceOf(ErrorReply.class, trickler.receive());
        stop.set(true);
        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(trickler);
        assertTrue(sent.get(5, TimeUnit.SECONDS) < frame.length, "the frame was never completed");
        writer.shutdown();
        central.log().await("WARN action: recibir_mensaje | result: fail | agency: 2", LOG_WAIT);

        // and the parked agency was not touched: no reply yet, and its answer comes at the draw
        central.otherAgencyCompletes(parked, null);
    }

    private static void assertWithinIdleTimeout(long startedNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        assertTrue(millis >= IDLE.toMillis() - 300 && millis < IDLE.toMillis() + 3_000,
                "closed after " + millis + " ms, timeout " + IDLE.toMillis() + " ms");
    }
}
