package ar.loteria.agency;

import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.CentralAddress;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.LogCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The answer timer alone, on an {@link EmbeddedChannel} whose clock the test moves: the test writes the agency's
 * messages and plays the central's replies.
 */
class AnswerDeadlineHandlerTest {

    private static final CentralAddress CENTRAL = new CentralAddress("central:12345", "central", 12345);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Steps the clock moves in, short of half the timeout: the agency's own loop is never late. */
    private static final long STEP_MILLIS = 500;

    @Test
    void answersThatComeInTimeNeverTripIt() {
        // given
        EmbeddedChannel ch = channel();

        // when: every request answered 4.5 s after it was written, then nothing waiting for a minute
        ch.writeOutbound(new Hello(1, ""));
        advance(ch, 4_500);
        ch.writeInbound(new Welcome(1, 0));
        ch.writeOutbound(batch(0));
        advance(ch, 4_500);
        ch.writeInbound(new BatchAck(0, 3));
        ch.writeOutbound(new Finish(1, 3));
        advance(ch, 4_500);
        ch.writeInbound(new FinishAck(1, 3));
        advance(ch, 60_000);

        // then
        assertTrue(ch.isActive());
        assertNull(ch.attr(AnswerDeadlineHandler.TIMED_OUT).get());
        finish(ch);
    }

    @Test
    void anUnansweredHelloTripsItAtTheTimeoutWithALine() {
        try (LogCapture logs = LogCapture.attach()) {
            // given
            EmbeddedChannel ch = channel();
            ch.writeOutbound(new Hello(1, ""));

            // when
            advance(ch, 4_500);
            boolean openBefore = ch.isActive();
            advance(ch, STEP_MILLIS);

            // then
            assertTrue(openBefore);
            assertFalse(ch.isActive());
            assertEquals("no answer to HELLO within 5000 ms", ch.attr(AnswerDeadlineHandler.TIMED_OUT).get());
            assertEquals(List.of("WARN action: sin_respuesta | result: in_progress | server_address: central:12345 | "
                    + "mensaje: HELLO | timeout_ms: 5000"), logs.matching("sin_respuesta"));
            finish(ch);
        }
    }

    @Test
    void eachAnswerGivesTheNextRequestAWholeTimeout() {
        // given: three batches in flight
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new Hello(1, ""));
        ch.writeInbound(new Welcome(1, 0));
        ch.writeOutbound(batch(0), batch(3), batch(6));

        // when: one answer every 4 s, then the last batch never answered
        advance(ch, 4_000);
        ch.writeInbound(new BatchAck(0, 3));
        advance(ch, 4_000);
        ch.writeInbound(new BatchAck(3, 3));
        advance(ch, 4_500);
        boolean openAfter12s = ch.isActive();
        advance(ch, STEP_MILLIS);

        // then: 12.5 s after the batches went, open; 5 s after the last answer, closed
        assertTrue(openAfter12s);
        assertFalse(ch.isActive());
        assertEquals("no answer to BETS within 5000 ms", ch.attr(AnswerDeadlineHandler.TIMED_OUT).get());
        finish(ch);
    }

    @Test
    void anErrorReplyIsAnAnswer() {
        // given
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new Hello(1, ""));
        ch.writeInbound(new Welcome(1, 0));
        ch.writeOutbound(batch(0));

        // when
        advance(ch, 4_000);
        ch.writeInbound(new ErrorReply(ErrorCode.INVALID_BET, 0, "bad"));
        advance(ch, 30_000);

        // then
        assertTrue(ch.isActive());
        finish(ch);
    }

    @Test
    void aParkedResultsNeverTripsIt() {
        // given: everything answered, RESULTS parked until the draw
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new Finish(1, 3));
        ch.writeInbound(new FinishAck(1, 3));
        ch.writeOutbound(new ResultsRequest(1));

        // when: the draw takes ten minutes
        advance(ch, 600_000);
        boolean openUntilTheDraw = ch.isActive();
        ch.writeInbound(new Winners(true, List.of()));

        // then
        assertTrue(openUntilTheDraw);
        finish(ch);
    }

    @Test
    void aProbeFinishUnansweredWhileResultsIsParkedTripsIt() {
        // given: RESULTS parked, a probe answered
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new ResultsRequest(1));
        advance(ch, 5_000);
        ch.writeOutbound(new Finish(1, 3));
        ch.writeInbound(new FinishAck(1, 3));

        // when: the next probe is not answered
        advance(ch, 5_000);
        ch.writeOutbound(new Finish(1, 3));
        advance(ch, 5_000);

        // then
        assertFalse(ch.isActive());
        assertEquals("no answer to FINISH within 5000 ms", ch.attr(AnswerDeadlineHandler.TIMED_OUT).get());
        finish(ch);
    }

    @Test
    void anAgencyHeldUpItselfGivesTheCentralANewTimeout() {
        // given
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new Hello(1, ""));

        // when: this agency's loop is held up for 20 s (its timer runs 15 s late)
        advance(ch, 20_000, 20_000);
        boolean openAfterThePause = ch.isActive();
        advance(ch, 5_000);

        // then: open right after the pause; closed once the central had a whole timeout
        assertTrue(openAfterThePause);
        assertFalse(ch.isActive());
        finish(ch);
    }

    @Test
    void aClosedConnectionLeavesNoTimerBehind() {
        // given
        EmbeddedChannel ch = channel();
        ch.writeOutbound(new Hello(1, ""));

        // when
        ch.close();
        advance(ch, 10_000);

        // then
        assertNull(ch.attr(AnswerDeadlineHandler.TIMED_OUT).get());
        finish(ch);
    }

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel(new AnswerDeadlineHandler(CENTRAL, TIMEOUT));
        ch.freezeTime();
        return ch;
    }

    private static BetBatch batch(long first) {
        return new BetBatch(1, first, TestBets.bets(3, (int) first));
    }

    /** Moves the clock on by {@code millis}, in steps short of half the timeout, running what falls due. */
    private static void advance(EmbeddedChannel ch, long millis) {
        advance(ch, millis, STEP_MILLIS);
    }

    private static void advance(EmbeddedChannel ch, long millis, long step) {
        for (long moved = 0; moved < millis; moved += step) {
            ch.advanceTimeBy(Math.min(step, millis - moved), TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    /** The messages that passed are records without buffers; nothing is left to release. */
    private static void finish(EmbeddedChannel ch) {
        ch.finishAndReleaseAll();
    }
}
