package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.testkit.EmbeddedPeer;
import ar.loteria.testkit.WireFrames;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static ar.loteria.central.EmbeddedCentral.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The idle timeout of the central's real pipeline ({@link EmbeddedCentral}), on the embedded channel's clock: who
 * is closed (no HELLO, a frame left halfway) and who never is (a steady sender always mid-frame, an agency waiting
 * for the draw).
 */
class PipelineTimeoutTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void connectionThatNeverSaysHelloIsClosedAfterTheIdleTimeout() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.connect();

        wire.channel().advanceTimeBy(31, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void frameLeftHalfwayIsClosedAfterTheIdleTimeout() throws IOException {
        // given: half a frame, then silence
        central.start(5);
        EmbeddedPeer wire = central.agency(1);
        wire.sendRaw(Unpooled.buffer().writeInt(20).writeByte(0x02));

        // when
        wire.channel().advanceTimeBy(31, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        // then
        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void theIdleTimeoutCountsFromTheLastCompletedFrame() throws IOException {
        // given: a frame begun at 0 s, completed at 20 s together with the head of the next one
        central.start(5);
        EmbeddedPeer wire = central.agency(1);
        var first = WireFrames.frame(new BetBatch(1, 0, List.of(GOOD)));
        var second = WireFrames.frame(new BetBatch(1, 1, List.of(GOOD)));
        wire.sendRaw(first.readRetainedSlice(5));
        wire.channel().advanceTimeBy(20, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();
        wire.sendRaw(Unpooled.wrappedBuffer(first, second.readRetainedSlice(5)));
        second.release();
        assertEquals(List.of(new BatchAck(0, 1)), wire.received());

        // when: silence until 49 s, then until 51 s
        wire.channel().advanceTimeBy(29, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        // then: still open at 49 s (29 s after the progress), closed after 30 s
        assertTrue(wire.channel().isActive());
        assertEquals(List.of(), wire.received());
        wire.channel().advanceTimeBy(2, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();
        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void agencyThatKeepsCompletingFramesIsNeverTimedOutEvenWhenAlwaysMidFrame() throws IOException {
        // given: every read ends in the middle of the next frame, for far longer than the timeout
        central.start(5);
        EmbeddedPeer wire = central.agency(1);
        byte[] bytes = WireFrames.bytes(new BetBatch(1, 0, List.of(GOOD)));
        wire.sendRaw(Unpooled.wrappedBuffer(bytes, 0, 5));
        for (int i = 1; i <= 10; i++) {
            wire.channel().advanceTimeBy(20, TimeUnit.SECONDS);
            wire.channel().runScheduledPendingTasks();
            byte[] next = WireFrames.bytes(new BetBatch(1, i, List.of(GOOD)));
            // the rest of the previous frame, then the head of this one
            wire.sendRaw(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5),
                    Unpooled.wrappedBuffer(next, 0, 5)));
            bytes = next;
        }

        // then: 200 s of steady progress, ten batches acknowledged, still connected
        assertEquals(10, wire.received().stream().filter(BatchAck.class::isInstance).count());
        assertTrue(wire.channel().isActive());
    }

    @Test
    void agencyWaitingForTheDrawIsNeverTimedOut() throws IOException {
        // given
        central.start(2);
        EmbeddedPeer wire = central.agency(1);
        wire.send(new Finish(1, 0)).send(new ResultsRequest(1));
        assertEquals(List.of(new FinishAck(1, 0)), wire.received());

        // when: an hour of silence
        wire.channel().advanceTimeBy(1, TimeUnit.HOURS);
        wire.channel().runScheduledPendingTasks();

        // then
        assertTrue(wire.channel().isActive());
        assertEquals(List.of(), wire.received());
    }
}
