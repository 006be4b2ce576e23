package ar.loteria.central;

import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Hello;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static ar.loteria.central.EmbeddedCentral.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * Who may speak, on the central's real pipeline ({@link EmbeddedCentral}): the answer to HELLO, tokens, a second
 * HELLO or an unknown version, messages before HELLO or for another agency, connections beyond the limit.
 */
class PipelineHandshakeTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void helloIsAnsweredWithTheBetsAlreadyStored() throws IOException {
        // given: a store that already holds 5 bets of agency 3
        when(central.store().countsAtOpen()).thenReturn(Map.of(3L, 5L));
        central.start(5, Map.of(), 100);

        // when
        EmbeddedPeer wire = central.connect().send(new Hello(3, ""));

        // then
        assertEquals(new Welcome(3, 5), wire.receive());
    }

    @Test
    void messageBeforeHelloIsRefusedAndTheConnectionCloses() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.connect();

        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        assertEquals(ErrorCode.NOT_IDENTIFIED, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
        verify(central.store(), never()).append(anyList());
    }

    @Test
    void batchForAnotherAgencyIsRefusedAndTheConnectionStays() throws IOException {
        // given: a connection bound to agency 1
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.send(new BetBatch(2, 0, List.of(GOOD)));

        // then
        ErrorReply error = (ErrorReply) wire.receive();
        assertEquals(ErrorCode.WRONG_AGENCY, error.code());
        verify(central.store(), never()).append(anyList());
        assertTrue(wire.channel().isActive());
    }

    @Test
    void resultsForAnotherAgencyAreRefused() throws IOException {
        central.start(0);
        EmbeddedPeer wire = central.agency(1);

        wire.send(new ResultsRequest(2));

        assertEquals(ErrorCode.WRONG_AGENCY, ((ErrorReply) wire.receive()).code());
    }

    @Test
    void secondHelloOnOneConnectionIsRefused() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        wire.send(new Hello(2, ""));

        assertEquals(ErrorCode.BAD_HELLO, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void unknownProtocolVersionIsRefused() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.connect();

        wire.send(new Hello(2, 1, ""));

        assertEquals(ErrorCode.BAD_HELLO, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void agencyWithATokenMustSayIt() throws IOException {
        // given
        when(central.store().countsAtOpen()).thenReturn(Map.of());
        central.start(5, Map.of(1L, "s3cret"), 100);

        // when
        EmbeddedPeer wrong = central.connect().send(new Hello(1, "guess"));
        EmbeddedPeer none = central.connect().send(new Hello(1, ""));
        EmbeddedPeer right = central.connect().send(new Hello(1, "s3cret"));
        EmbeddedPeer other = central.connect().send(new Hello(2, ""));

        // then
        assertEquals(ErrorCode.AUTH_FAILED, ((ErrorReply) wrong.receive()).code());
        assertFalse(wrong.channel().isActive());
        assertEquals(ErrorCode.AUTH_FAILED, ((ErrorReply) none.receive()).code());
        assertEquals(new Welcome(1, 0), right.receive());
        assertEquals(new Welcome(2, 0), other.receive(), "agencies without a token need none");
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws IOException {
        // given
        when(central.store().countsAtOpen()).thenReturn(Map.of());
        central.start(5, Map.of(), 2);
        central.agency(1);
        central.agency(2);

        // when
        EmbeddedPeer third = central.connect();

        // then
        assertEquals(ErrorCode.SERVER_BUSY, ((ErrorReply) third.receive()).code());
        assertFalse(third.channel().isActive());
    }
}
