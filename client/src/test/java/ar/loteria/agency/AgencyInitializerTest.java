package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The whole agency pipeline on bytes: what the central would see on the wire, and what it would send. */
class AgencyInitializerTest {

    private final CompletableFuture<AgencyOutcome> outcome = new CompletableFuture<>();

    @Test
    void pipelineReadsLikeTheProtocol() throws Exception {
        // when
        EmbeddedPeer central = agencyPipeline();

        // then
        assertEquals(List.of(AgencyInitializer.FRAME_DECODER, AgencyInitializer.FRAME_ENCODER,
                AgencyInitializer.MESSAGE_DECODER, AgencyInitializer.ANSWER_DEADLINE, AgencyInitializer.AGENCY_HANDLER,
                AgencyInitializer.EXCEPTION_HANDLER), central.channel().pipeline().names().subList(0, 6));
        central.receive();
        assertFalse(central.channel().finish());
        central.finish();
    }

    @Test
    void sendsFramedHelloThenFramedBatchesAfterWelcome() throws Exception {
        // given
        EmbeddedPeer central = agencyPipeline();

        // when
        Message hello = central.receive();
        central.send(new Welcome(1, 0));
        List<Message> afterWelcome = central.received();

        // then: the batch, and nothing more
        assertEquals(new Hello(1, ""), hello);
        assertEquals(List.of(new BetBatch(1, 0, TestBets.bets(3, 0))), afterWelcome);
        assertFalse(central.channel().finish());
        central.finish();
    }

    @Test
    void undecodableBytesFromTheCentralEndTheRunAsAProtocolError() throws Exception {
        // given
        EmbeddedPeer central = agencyPipeline();
        central.receive();

        // when: a frame whose type byte names no message
        central.sendRaw(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 1, 0x7F}));

        // then
        assertEquals(ExitStatus.REFUSED, outcome.getNow(null).status());
        assertFalse(central.channel().isOpen());
        assertFalse(central.channel().finish());
        central.finish();
    }

    /** The agency's whole pipeline, played against by a central that sees frames. */
    private EmbeddedPeer agencyPipeline() throws AgencyConfigException {
        AgencyTuning tuning = new AgencyTuning(32, Duration.ofMillis(10), Duration.ofMillis(100),
                Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1));
        AgencyRun run = new AgencyRun(AgencyHandlerTest.config(Map.of()), BetInput.of("test",
                TestBets.bets(3, 0)), tuning, BatchSender::run, outcome);
        return new EmbeddedPeer(new EmbeddedChannel(new AgencyInitializer(run, run.config().centrals().get(0))));
    }
}
