package ar.loteria.central;

import ar.loteria.central.ledger.csv.RenderedRows;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Message;
import ar.loteria.testkit.EmbeddedPeer;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static ar.loteria.central.EmbeddedCentral.GOOD;
import static ar.loteria.central.EmbeddedCentral.WINNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Back-pressure on the central's real pipeline ({@link EmbeddedCentral}), its storage thread held back by the test:
 * connections stop being read (per connection, and over the budget of all) and are read again, and the waiting
 * batches are stored in groups, in order.
 */
class PipelineBackPressureTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void connectionIsNotReadWhileManyOfItsBatchesWaitForStorageAndIsReadAgainAfter() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);

        // when: as many batches as make the connection pause
        for (int i = 0; i < AgencyConnection.PAUSE_AT; i++) {
            wire.send(new BetBatch(1, i, List.of(GOOD)));
        }

        // then: reading stops, nothing is answered yet
        assertFalse(wire.channel().config().isAutoRead());

        // when: the storage thread catches up
        storageThread.runPendingTasks();

        // then: every batch is acknowledged in order and reading resumes
        assertEquals(AgencyConnection.PAUSE_AT, wire.received().stream().filter(BatchAck.class::isInstance).count());
        assertTrue(wire.channel().config().isAutoRead());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void connectionsPauseWhileAllWaitingBatchesTogetherAreOverTheBudget() throws IOException {
        // given: a budget of three waiting batches over all connections, and a storage thread that has not run
        when(central.store().countsAtOpen()).thenReturn(Map.of());
        EmbeddedChannel storageThread = new EmbeddedChannel();
        central.start(5, Map.of(), 100, storageThread.eventLoop(), 3);
        EmbeddedPeer first = central.welcomedThrough(storageThread, 1);
        EmbeddedPeer second = central.welcomedThrough(storageThread, 2);

        // when: two batches each, far below the per-connection limit
        first.send(new BetBatch(1, 0, List.of(GOOD)));
        first.send(new BetBatch(1, 1, List.of(GOOD)));
        assertTrue(first.channel().config().isAutoRead());
        second.send(new BetBatch(2, 0, List.of(GOOD)));

        // then: the connection that reached the budget stops being read; the first one is paused by its next batch
        assertFalse(second.channel().config().isAutoRead());
        assertTrue(first.channel().config().isAutoRead());
        first.send(new BetBatch(1, 2, List.of(GOOD)));
        assertFalse(first.channel().config().isAutoRead());

        // when: the storage thread catches up
        storageThread.runPendingTasks();

        // then: everything answered in order, and both are read again
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 1), new BatchAck(2, 1)), first.received());
        assertEquals(List.of(new BatchAck(0, 1)), second.received());
        assertTrue(first.channel().config().isAutoRead());
        assertTrue(second.channel().config().isAutoRead());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void batchesWaitingTogetherAreStoredWithOneAppendAndAnsweredInOrder() throws IOException {
        // given: two agencies whose batches wait, interleaved, for a storage thread that has not run yet
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer first = central.welcomedThrough(storageThread, 1);
        EmbeddedPeer second = central.welcomedThrough(storageThread, 2);
        first.send(new BetBatch(1, 0, List.of(GOOD)));
        second.send(new BetBatch(2, 0, List.of(WINNER, GOOD)));
        first.send(new BetBatch(1, 1, List.of(WINNER)));
        second.send(new BetBatch(2, 2, List.of(GOOD)));
        first.send(new BetBatch(1, 2, List.of(GOOD, GOOD)));
        assertEquals(List.of(), first.received());

        // when
        storageThread.runPendingTasks();

        // then: one append holding the five batches in arrival order, and each agency's answers in its own order
        verify(central.store(), times(1)).append(argThat((List<RenderedRows> batches) ->
                EmbeddedCentral.agencyAndCount(batches).equals(List.of("1:1", "2:2", "1:1", "2:1", "1:2"))));
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 1), new BatchAck(2, 2)), first.received());
        assertEquals(List.of(new BatchAck(0, 2), new BatchAck(2, 1)), second.received());
        assertEquals(4, central.ledger().stored(1));
        assertEquals(3, central.ledger().stored(2));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aGroupLargerThanOneAppendTakesIsSplitInOrder() throws IOException {
        // given: more waiting batches than one append carries
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = central.welcomedThrough(storageThread);
        int batches = StorageDispatcher.MAX_GROUP + 3;
        List<Integer> appended = new ArrayList<>();
        doAnswer(call -> appended.add(call.<List<RenderedRows>>getArgument(0).size()))
                .when(central.store()).append(anyList());
        for (int i = 0; i < batches; i++) {
            wire.send(new BetBatch(1, i, List.of(GOOD)));
            // read on, as the real loop does once the storage thread has caught up
            wire.channel().config().setAutoRead(true);
        }

        // when
        storageThread.runPendingTasks();

        // then
        assertEquals(List.of(StorageDispatcher.MAX_GROUP, 3), appended);
        List<Message> replies = wire.received();
        assertEquals(batches, replies.size());
        for (int i = 0; i < batches; i++) {
            assertEquals(new BatchAck(i, 1), replies.get(i));
        }
        storageThread.finishAndReleaseAll();
    }
}
