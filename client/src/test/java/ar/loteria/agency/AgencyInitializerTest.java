package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The whole agency pipeline on bytes: what the central would see on the wire, and what it would send. */
class AgencyInitializerTest {

    private final CompletableFuture<AgencyOutcome> outcome = new CompletableFuture<>();

    @Test
    void pipelineReadsLikeTheProtocol() throws Exception {
        // when
        EmbeddedChannel ch = channel();

        // then
        assertEquals(List.of(AgencyInitializer.FRAME_DECODER, AgencyInitializer.FRAME_ENCODER,
                AgencyInitializer.MESSAGE_DECODER, AgencyInitializer.AGENCY_HANDLER,
                AgencyInitializer.EXCEPTION_HANDLER), ch.pipeline().names().subList(0, 5));
        readFrame(ch);
        assertFalse(ch.finish());
    }

    @Test
    void sendsFramedHelloThenFramedBatchesAfterWelcome() throws Exception {
        // given
        EmbeddedChannel ch = channel();

        // when
        Message hello = readFrame(ch);
        ch.writeInbound(frame(new Welcome(1, 0)));
        Message batch = readFrame(ch);

        // then
        assertEquals(new Hello(1, ""), hello);
        assertEquals(new BetBatch(1, 0, TestBets.bets(3, 0)), batch);
        assertNull(ch.readOutbound());
        assertFalse(ch.finish());
    }

    @Test
    void undecodableBytesFromTheCentralEndTheRunAsAProtocolError() throws Exception {
        // given
        EmbeddedChannel ch = channel();
        readFrame(ch);

        // when: a frame whose type byte names no message
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x7F}));

        // then
        assertEquals(ExitStatus.REFUSED, outcome.getNow(null).status());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    private EmbeddedChannel channel() throws AgencyConfigException {
        AgencyTuning tuning = new AgencyTuning(32, Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1));
        AgencyRun run = new AgencyRun(AgencyHandlerTest.config(Map.of()), BetInput.of("test",
                TestBets.bets(3, 0)), tuning, BatchSender::run, outcome);
        return new EmbeddedChannel(new AgencyInitializer(run, run.config().centrals().get(0)));
    }

    /** Gathers the outbound buffers of one frame (the prepender may write header and payload apart). */
    private static Message readFrame(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (ByteBuf part = ch.readOutbound(); part != null; part = ch.readOutbound()) {
                all.writeBytes(part);
                part.release();
                if (all.readableBytes() >= Frames.HEADER_BYTES
                        && all.readableBytes() == Frames.HEADER_BYTES + all.getInt(0)) {
                    break;
                }
            }
            int length = all.readInt();
            assertEquals(length, all.readableBytes());
            return MessageDecoder.decode(all);
        } finally {
            all.release();
        }
    }

    private static ByteBuf frame(Message message) {
        ByteBuf payload = Unpooled.buffer();
        MessageEncoder.encode(message, payload);
        ByteBuf frame = Unpooled.buffer(Frames.HEADER_BYTES + payload.readableBytes());
        frame.writeInt(payload.readableBytes()).writeBytes(payload);
        payload.release();
        return frame;
    }
}
