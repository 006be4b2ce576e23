package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.EmbeddedPeer;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static ar.loteria.central.EmbeddedCentral.WINNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FINISH, the draw and RESULTS on the central's real pipeline ({@link EmbeddedCentral}): requests parked until the
 * draw, a FINISH that counts once or not at all, a draw at start, a parked request forgotten with its connection.
 */
class PipelineDrawTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void resultsBeforeTheDrawWaitAndAreAnsweredAtTheDraw() throws IOException {
        // given: two agencies must finish; agency 1 sends a winner
        central.start(2);
        EmbeddedPeer first = central.agency(1);
        EmbeddedPeer second = central.agency(2);
        first.send(new BetBatch(1, 0, List.of(WINNER)));
        assertEquals(new BatchAck(0, 1), first.receive());
        first.send(new Finish(1, 1));
        assertEquals(new FinishAck(1, 1), first.receive());

        // when: agency 1 asks before agency 2 has finished
        first.send(new ResultsRequest(1));

        // then: no answer yet, not even a partial one
        assertEquals(List.of(), first.received());
        assertFalse(central.ledger().drawn());

        // when: the last agency finishes
        second.send(new Finish(2, 0));

        // then: the waiting agency gets its winners at once, the other gets its own (none) on request
        assertEquals(new FinishAck(2, 0), second.receive());
        assertEquals(new Winners(true, List.of("00000042")), first.receive());
        second.send(new ResultsRequest(2));
        assertEquals(new Winners(true, List.of()), second.receive());
    }

    @Test
    void repeatedFinishCountsOnce() throws IOException {
        // given
        central.start(2);
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.send(new Finish(1, 0));
        wire.send(new Finish(1, 0));

        // then: both acknowledged, but one agency is not two
        assertEquals(List.of(new FinishAck(1, 0), new FinishAck(1, 0)), wire.received());
        assertFalse(central.ledger().drawn());
    }

    @Test
    void withNoAgenciesToWaitForTheDrawHappensAtStart() throws IOException {
        // given
        central.storeHoldsWinners(Map.of(4L, List.of("1", "2")));
        central.start(0);

        // when
        EmbeddedPeer wire = central.agency(4).send(new ResultsRequest(4));

        // then
        assertTrue(central.ledger().drawn());
        assertEquals(new Winners(true, List.of("1", "2")), wire.receive());
    }

    @Test
    void finishWithAnotherTotalThanStoredIsRefusedAndDoesNotCount() throws IOException {
        central.start(1);
        EmbeddedPeer wire = central.agency(1);

        wire.send(new Finish(1, 10));

        assertEquals(ErrorCode.COUNT_MISMATCH, ((ErrorReply) wire.receive()).code());
        assertFalse(central.ledger().drawn());
    }

    @Test
    void waitingRequestOfAClosedConnectionIsForgotten() throws IOException {
        // given
        central.start(2);
        EmbeddedPeer wire = central.agency(1);
        wire.send(new ResultsRequest(1));
        assertEquals(1, central.storage().parkedCount());

        // when
        wire.channel().close();
        wire.channel().runPendingTasks();

        // then
        assertEquals(0, central.storage().parkedCount());
    }

    @Test
    void aConnectionClosedWithItsWinnersAnsweredDoesNotWakeTheStorageSide() throws IOException {
        // given: the five agencies finished, and agency 1 asked for its winners and got them; no status port
        // counts connections
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer wire = null;
        for (long agency = 1; agency <= 5; agency++) {
            EmbeddedPeer peer = central.welcomedThrough(storageThread, agency);
            peer.send(new Finish(agency, 0));
            storageThread.runPendingTasks();
            assertEquals(new FinishAck(agency, 0), peer.receive());
            wire = agency == 1 ? peer : wire;
        }
        wire.send(new ResultsRequest(1));
        storageThread.runPendingTasks();
        assertEquals(new Winners(true, List.of()), wire.receive());

        // when
        wire.channel().close();
        wire.channel().runPendingTasks();

        // then: nothing queued for the storage thread
        assertEquals(0, central.storage().queued());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aClosedConnectionIsToldToTheStorageSideWhileItsWinnersAreOwedOrConnectionsAreCounted()
            throws IOException {
        // given: one connection whose RESULTS waits for the draw, one that asked nothing, connections counted
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer waiting = central.welcomedThrough(storageThread, 1);
        waiting.send(new ResultsRequest(1));
        storageThread.runPendingTasks();

        // when
        waiting.channel().close();
        waiting.channel().runPendingTasks();

        // then
        assertEquals(1, central.storage().queued());
        storageThread.runPendingTasks();
        assertEquals(0, central.storage().parkedCount());

        // given
        central.storage().publishStatusEvery(Duration.ofHours(1));
        EmbeddedPeer idle = central.welcomedThrough(storageThread, 2);

        // when
        idle.channel().close();
        idle.channel().runPendingTasks();

        // then
        assertEquals(1, central.storage().queued());
        storageThread.runPendingTasks();
        storageThread.finishAndReleaseAll();
    }
}
