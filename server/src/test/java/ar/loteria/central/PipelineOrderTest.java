package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.EmbeddedPeer;
import ar.loteria.testkit.WireFrames;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;

import static ar.loteria.central.EmbeddedCentral.BAD_DATE;
import static ar.loteria.central.EmbeddedCentral.GOOD;
import static ar.loteria.central.EmbeddedCentral.WINNER;
import static ar.loteria.central.EmbeddedCentral.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * The order rule of docs/PROTOCOL.md on the central's real pipeline ({@link EmbeddedCentral}): each message is
 * acted on after the ones its connection sent before it, and the replies keep that order, also when an agency
 * pipelines its whole conversation in one write.
 */
class PipelineOrderTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void aFinishSentBehindWaitingBatchesFindsThemStored() throws IOException {
        // given: batches waiting for the storage thread
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);
        wire.send(new BetBatch(1, 0, List.of(GOOD)));
        wire.send(new BetBatch(1, 1, List.of(GOOD, WINNER)));

        // when: the FINISH overtakes nothing
        wire.send(new Finish(1, 3));
        storageThread.runPendingTasks();

        // then
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 2), new FinishAck(1, 3)), wire.received());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void batchesSentBehindAFinishInOneWriteAreRefusedAfterItAndNeverStored() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);

        // when: a batch, the FINISH for it, and one more batch, all before the storage thread runs
        wire.sendRaw(WireFrames.frames(new BetBatch(1, 0, List.of(GOOD, WINNER)), new Finish(1, 2),
                new BetBatch(1, 2, List.of(GOOD))));
        storageThread.runPendingTasks();

        // then: the FINISH counts the bets before it, and the batch after it is refused as sent after the FINISH
        List<Message> replies = wire.received();
        assertEquals(List.of(new BatchAck(0, 2), new FinishAck(1, 2)), replies.subList(0, 2));
        ErrorReply late = (ErrorReply) replies.get(2);
        assertEquals(ErrorCode.BETS_AFTER_FINISH, late.code());
        assertEquals(2, late.ref());
        assertEquals(3, replies.size());
        verify(central.store(), times(1)).append(anyList());
        verify(central.store()).append(rowsOf(1, GOOD, WINNER));
        assertEquals(2, central.ledger().stored(1));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aHelloIsAnsweredWithWhatWasStoredBeforeItNotWithBatchesSentAfterIt() throws IOException {
        // given: agency 1's batch waiting for the storage thread on one connection
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer first = central.welcomedThrough(storageThread);
        first.send(new BetBatch(1, 0, List.of(GOOD)));

        // when: a second connection of agency 1 pipelines HELLO and the next batch in one write
        EmbeddedPeer second = central.connect();
        second.sendRaw(WireFrames.frames(new Hello(1, ""), new BetBatch(1, 1, List.of(WINNER))));
        storageThread.runPendingTasks();

        // then: its WELCOME counts the batch received before its HELLO, and comes before its batch's ack
        assertEquals(List.of(new BatchAck(0, 1)), first.received());
        assertEquals(List.of(new Welcome(1, 1), new BatchAck(1, 1)), second.received());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aBadFrameIsRefusedAfterTheAnswersToTheFramesBeforeIt() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);

        // when: a good batch, then a frame with an unknown type, then another batch, in one write
        wire.sendRaw(Unpooled.wrappedBuffer(WireFrames.bytes(new BetBatch(1, 0, List.of(GOOD))),
                new byte[] {0, 0, 0, 1, 0x40}, WireFrames.bytes(new BetBatch(1, 1, List.of(GOOD)))));
        assertFalse(wire.channel().config().isAutoRead(), "nothing more is read after a bad frame");
        storageThread.runPendingTasks();

        // then: the batch before the bad frame is acknowledged, then the ERROR, and the connection closes
        List<Message> replies = wire.received();
        assertEquals(new BatchAck(0, 1), replies.get(0));
        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) replies.get(1)).code());
        assertEquals(2, replies.size());
        assertFalse(wire.channel().isActive());
        verify(central.store()).append(rowsOf(1, GOOD));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void refusalOfABadBatchComesAfterTheAnswersToEarlierBatches() throws IOException {
        // given: a storage thread that has not run yet, and a good batch waiting for it
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);
        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        // when: a bad batch follows; the refusal may not overtake the good batch's answer
        wire.send(new BetBatch(1, 1, List.of(BAD_DATE)));
        assertEquals(List.of(), wire.received());
        storageThread.runPendingTasks();

        // then
        List<Message> replies = wire.received();
        assertEquals(new BatchAck(0, 1), replies.get(0));
        assertEquals(ErrorCode.INVALID_BET, ((ErrorReply) replies.get(1)).code());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void everyMessageGetsItsReplyInOrderWhenSentTogether() throws IOException {
        // given: a whole conversation in one buffer, as a pipelining agency sends it
        central.start(1);
        EmbeddedPeer wire = central.connect();
        var all = WireFrames.frames(new Hello(1, ""), new BetBatch(1, 0, List.of(GOOD)),
                new BetBatch(1, 1, List.of(WINNER)), new Finish(1, 2), new ResultsRequest(1));

        // when
        wire.sendRaw(all);

        // then
        assertEquals(List.of(new Welcome(1, 0), new BatchAck(0, 1), new BatchAck(1, 1), new FinishAck(1, 2),
                new Winners(true, List.of("00000042"))), wire.received());
    }
}
