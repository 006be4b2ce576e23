package ar.loteria.bench;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The load generator's agency checks every reply of the central as the real agency would, and only exactly its own
 * winners, in order, end it: a run with a wrong answer fails instead of being counted.
 */
class LoadAgencyTest {

    /** Agency 7: two batches of 3 and 2 bets, two winners; frames laid out at made-up offsets. */
    private static final PreparedAgency DATA = new PreparedAgency(7, 5, List.of("00000042", "12345678"), 100,
            new int[] {110, 150, 180, 190, 200}, new int[] {3, 2});

    private final LoadAgency agency = new LoadAgency(DATA, 32, new Timeline());

    /** Hands {@code message}'s payload to the agency as its loop would; returns the failure, or null. */
    private String reply(Message message) {
        ByteBuf payload = Unpooled.buffer();
        MessageEncoder.encode(message, payload);
        ByteBuffer in = payload.nioBuffer();
        payload.release();
        return agency.reply(in, 0, in.remaining(), System.nanoTime());
    }

    @Test
    void endsOnlyWithExactlyItsWinnersInOrder() {
        // given: a whole conversation up to the winners
        assertNull(reply(new Welcome(7, 0)));
        assertNull(reply(new BatchAck(0, 3)));
        assertNull(reply(new BatchAck(3, 2)));
        assertNull(reply(new FinishAck(7, 5)));
        assertTrue(agency.hasToSend(), "RESULTS is next");

        // when: the winners come in two parts
        String first = reply(new Winners(false, List.of("00000042")));
        boolean doneAfterFirst = agency.done();
        String last = reply(new Winners(true, List.of("12345678")));

        // then
        assertNull(first);
        assertFalse(doneAfterFirst);
        assertNull(last);
        assertTrue(agency.done());
        assertEquals(2, agency.latencies().length);
    }

    @Test
    void aWrongMissingOrExtraWinnerFailsTheRun() {
        assertEquals("agency 7: winner 2 is 99999999, expected 12345678", winnersAfterConversation(
                new Winners(true, List.of("00000042", "99999999"))));
        assertEquals("agency 7 got 1 winners, expected 2", new LoadAgencyTest().winnersAfterConversation(
                new Winners(true, List.of("00000042"))));
        assertEquals("agency 7: winner 3 is 55555555, expected no more", new LoadAgencyTest()
                .winnersAfterConversation(new Winners(true, List.of("00000042", "12345678", "55555555"))));
    }

    @Test
    void aCentralThatHoldsBetsAlreadyFailsTheRun() {
        assertEquals("the central already holds 4 bets of agency 7", reply(new Welcome(7, 4)));
    }

    @Test
    void anAckForAnotherBatchFailsTheRun() {
        assertNull(reply(new Welcome(7, 0)));
        assertEquals("agency 7: ack for 2 bets from 0, expected 3 from 0", reply(new BatchAck(0, 2)));
    }

    @Test
    void winnersBeforeItAskedFailTheRun() {
        assertNull(reply(new Welcome(7, 0)));
        assertEquals("agency 7: unexpected reply of type 132", reply(new Winners(true, List.of())));
    }

    @Test
    void anErrorFromTheCentralFailsTheRunWithItsReason() {
        assertNull(reply(new Welcome(7, 0)));
        assertEquals("agency 7 refused: code " + ErrorCode.OUT_OF_SEQUENCE.code() + " batch starts at bet 9",
                reply(new ErrorReply(ErrorCode.OUT_OF_SEQUENCE, 9, "batch starts at bet 9")));
    }

    private String winnersAfterConversation(Winners winners) {
        reply(new Welcome(7, 0));
        reply(new BatchAck(0, 3));
        reply(new BatchAck(3, 2));
        reply(new FinishAck(7, 5));
        return reply(winners);
    }
}
