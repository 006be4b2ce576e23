package ar.loteria.central;

import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.testkit.SocketAgency;
import ar.loteria.testkit.WireFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static ar.loteria.central.LiveCentral.IDLE;
import static ar.loteria.central.LiveCentral.LOG_WAIT;
import static ar.loteria.central.LiveCentral.OTHER;
import static ar.loteria.central.LiveCentral.assertClosed;
import static ar.loteria.central.LiveCentral.bet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that stay silent, stop mid-frame or trickle, against the real central over sockets
 * ({@link LiveCentral}): each is closed with IDLE_TIMEOUT about the timeout after its last progress, and the parked
 * agency is untouched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveIdleTimeoutTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    /** A connection that goes silent: right after connecting, or after HELLO and half a frame. */
    record Silence(String name, boolean midFrame, String logLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Silence> silences() {
        return Stream.of(
                new Silence("a connection that never says who it is", false, "WARN action: identificar | result: fail"),
                new Silence("an agency that stops talking mid-frame", true,
                        "WARN action: recibir_mensaje | result: fail | agency: 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silences")
    void silentConnectionIsClosedAfterTheIdleTimeout(Silence silence) throws Exception {
        // given
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency silent = silence.midFrame() ? central.hello(OTHER) : central.connect();

        // when: nothing at all, or half a frame, then silence
        if (silence.midFrame()) {
            byte[] frame = WireFrames.bytes(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574))));
            silent.sendRaw(Arrays.copyOf(frame, frame.length / 2));
        }
        long started = System.nanoTime();

        // then
        ErrorReply error = assertInstanceOf(ErrorReply.class, silent.receive());
        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(silent);
        central.log().await(silence.logLine(), LOG_WAIT);
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
