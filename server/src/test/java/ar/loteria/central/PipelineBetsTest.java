package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static ar.loteria.central.EmbeddedCentral.BAD_DATE;
import static ar.loteria.central.EmbeddedCentral.GOOD;
import static ar.loteria.central.EmbeddedCentral.WINNER;
import static ar.loteria.central.EmbeddedCentral.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Batches on the central's real pipeline ({@link EmbeddedCentral}): stored then acknowledged, refused whole when
 * one bet is bad, out of sequence, after FINISH or the draw, or when the store fails; a resent batch is not stored
 * twice.
 */
class PipelineBetsTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void validBatchIsStoredThenAcknowledged() throws IOException {
        // given
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD, WINNER)));

        // then
        assertEquals(new BatchAck(0, 2), wire.receive());
        verify(central.store()).append(rowsOf(1, GOOD, WINNER));
    }

    @Test
    void batchWithOneBadBetIsRefusedWholeAndNothingIsStored() throws IOException {
        // given
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD, BAD_DATE, WINNER)));

        // then
        ErrorReply error = (ErrorReply) wire.receive();
        assertEquals(ErrorCode.INVALID_BET, error.code());
        assertEquals(0, error.ref());
        assertTrue(error.reason().contains("bet 1") && error.reason().contains("2023-02-30"), error.reason());
        verify(central.store(), never()).append(anyList());
        assertTrue(wire.channel().isActive(), "a refused batch does not end the connection");

        // and the agency can go on with a good batch from the same position
        wire.send(new BetBatch(1, 0, List.of(GOOD)));
        assertEquals(new BatchAck(0, 1), wire.receive());
    }

    @Test
    void resentBatchIsAcknowledgedButNotStoredTwice() throws IOException {
        // given: agency 1 already has 2 bets stored (an earlier connection)
        when(central.store().countsAtOpen()).thenReturn(Map.of(1L, 2L));
        central.start(5, Map.of(), 100);
        EmbeddedPeer wire = central.connect().send(new Hello(1, ""));
        assertEquals(new Welcome(1, 2), wire.receive());

        // when: it resends its first batch, then goes on
        wire.send(new BetBatch(1, 0, List.of(GOOD, GOOD)));
        wire.send(new BetBatch(1, 2, List.of(WINNER)));

        // then
        assertEquals(List.of(new BatchAck(0, 2), new BatchAck(2, 1)), wire.received());
        verify(central.store(), times(1)).append(anyList());
        verify(central.store()).append(rowsOf(1, WINNER));
    }

    @Test
    void batchThatSkipsBetsIsRefused() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        wire.send(new BetBatch(1, 3, List.of(GOOD)));

        ErrorReply error = (ErrorReply) wire.receive();
        assertEquals(ErrorCode.OUT_OF_SEQUENCE, error.code());
        assertEquals(3, error.ref());
        verify(central.store(), never()).append(anyList());
    }

    @Test
    void betsAfterFinishAreRefused() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);
        wire.send(new Finish(1, 0));
        assertInstanceOf(FinishAck.class, wire.receive());

        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        assertEquals(ErrorCode.BETS_AFTER_FINISH, ((ErrorReply) wire.receive()).code());
        verify(central.store(), never()).append(anyList());
    }

    @Test
    void betsAfterTheDrawAreRefused() throws IOException {
        central.start(0);
        EmbeddedPeer wire = central.agency(9);

        wire.send(new BetBatch(9, 0, List.of(GOOD)));

        assertEquals(ErrorCode.DRAW_CLOSED, ((ErrorReply) wire.receive()).code());
        verify(central.store(), never()).append(anyList());
    }

    @Test
    void storeFailureIsReportedAndNotAcknowledged() throws IOException {
        // given
        central.start(5);
        doThrow(new IOException("disk full")).when(central.store()).append(anyList());
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        // then: refused, and the position did not move
        assertEquals(ErrorCode.STORAGE_FAILURE, ((ErrorReply) wire.receive()).code());
        assertEquals(0, central.ledger().stored(1));
    }
}
