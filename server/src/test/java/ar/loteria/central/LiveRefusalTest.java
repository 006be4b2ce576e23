package ar.loteria.central;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.SocketAgency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import static ar.loteria.central.LiveCentral.LOG_WAIT;
import static ar.loteria.central.LiveCentral.OTHER;
import static ar.loteria.central.LiveCentral.PARKED;
import static ar.loteria.central.LiveCentral.bet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refusals that keep the connection open, and messages out of order, sent to the real central over sockets
 * ({@link LiveCentral}): nothing of a refused message is stored and the conversation goes on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveRefusalTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    // ---------------------------------------------------------------------------------------------------------
    // Refusals that keep the connection open
    // ---------------------------------------------------------------------------------------------------------

    /**
     * One message refused without closing; {@code message} gets agency 2's stored count. A bad bet sits between
     * two good ones, so a partial store would show.
     */
    record Refusal(String name, LongFunction<Message> message, ErrorCode code, String logLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Refusal badBet(String name, Bet bad) {
        return new Refusal(name, stored -> new BetBatch(OTHER, stored,
                List.of(bet(OTHER, (int) stored, 7574), bad, bet(OTHER, (int) stored + 2, 7574))),
                ErrorCode.INVALID_BET, "ERROR action: apuesta_recibida | result: fail | cantidad: 3 | agency: 2");
    }

    static Stream<Refusal> refusals() {
        String tomorrow = LocalDate.now().plusDays(2).toString();
        return Stream.of(
                badBet("empty first name", new Bet("", "Paz", "1", "1990-01-01", 1)),
                badBet("blank last name", new Bet("Ana", " \t ", "1", "1990-01-01", 1)),
                badBet("control character in a name", new Bet("An\u0001a", "Paz", "1", "1990-01-01", 1)),
                badBet("non-digit document", new Bet("Ana", "Paz", "12a45", "1990-01-01", 1)),
                badBet("empty document", new Bet("Ana", "Paz", "", "1990-01-01", 1)),
                badBet("document of 21 digits", new Bet("Ana", "Paz", "1".repeat(21), "1990-01-01", 1)),
                badBet("impossible date 2023-02-30", new Bet("Ana", "Paz", "1", "2023-02-30", 1)),
                badBet("not a date", new Bet("Ana", "Paz", "1", "1990/01/01", 1)),
                badBet("birth before 1900", new Bet("Ana", "Paz", "1", "1899-12-31", 1)),
                badBet("birth in the future", new Bet("Ana", "Paz", "1", tomorrow, 1)),
                badBet("number 10000", new Bet("Ana", "Paz", "1", "1990-01-01", 10_000)),
                badBet("number 65535", new Bet("Ana", "Paz", "1", "1990-01-01", 65_535)),
                new Refusal("batch for another agency", stored -> new BetBatch(3, stored, List.of(bet(3, 0, 1))),
                        ErrorCode.WRONG_AGENCY, "ERROR action: apuesta_recibida | result: fail | cantidad: 1"),
                new Refusal("FINISH for another agency", stored -> new Finish(3, 0), ErrorCode.WRONG_AGENCY,
                        "WARN action: identificar | result: fail | agency: 2"),
                new Refusal("RESULTS for another agency", stored -> new ResultsRequest(PARKED),
                        ErrorCode.WRONG_AGENCY, "WARN action: identificar | result: fail | agency: 2"),
                new Refusal("batch that leaves a gap", stored -> new BetBatch(OTHER, stored + 1,
                        List.of(bet(OTHER, 9, 1))), ErrorCode.OUT_OF_SEQUENCE,
                        "ERROR action: apuesta_recibida | result: fail | cantidad: 1 | agency: 2"),
                new Refusal("batch straddling the stored bets", stored -> new BetBatch(OTHER, stored - 1,
                        List.of(bet(OTHER, 9, 1), bet(OTHER, 10, 1))), ErrorCode.OUT_OF_SEQUENCE,
                        "ERROR action: apuesta_recibida | result: fail | cantidad: 2 | agency: 2"),
                new Refusal("FINISH with another total than stored", stored -> new Finish(OTHER, stored + 5),
                        ErrorCode.COUNT_MISMATCH, "ERROR action: fin_apuestas | result: fail | agency: 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedMessageStoresNothingAndTheConversationGoesOn(Refusal refusal) throws Exception {
        // given: agency 2 has one acknowledged batch of 2
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency agency = central.hello(OTHER);
        central.sendAcknowledged(agency, OTHER, central.bets(OTHER, 2));
        Message message = refusal.message().apply(central.stored(OTHER));

        // when
        ErrorReply error = assertInstanceOf(ErrorReply.class, agency.send(message).receive());

        // then: the refusal names the batch it is about, and nothing of the batch is in the file
        assertEquals(refusal.code(), error.code(), error.reason());
        assertEquals(message instanceof BetBatch batch ? batch.first() : 0, error.ref());
        if (refusal.code() == ErrorCode.INVALID_BET) {
            assertTrue(error.reason().startsWith("bet " + (central.stored(OTHER) + 1) + " - "), error.reason());
        }
        central.log().await(refusal.logLine(), LOG_WAIT);
        central.assertStoreHoldsExactlyTheAcknowledgedBets();

        // and the same connection carries on and completes, and the parked agency gets its winners at the draw
        central.otherAgencyCompletes(parked, agency);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages out of order
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void betsAfterOwnFinishAreRefusedOnAnyConnection() throws Exception {
        // given: agency 1 has finished (and waits for its results)
        central.start();
        SocketAgency parked = central.parkedAgency();

        // when: it sends more bets on another connection
        SocketAgency late = central.hello(PARKED);
        BetBatch batch = new BetBatch(PARKED, central.stored(PARKED), List.of(bet(PARKED, 3, 7574)));
        ErrorReply error = assertInstanceOf(ErrorReply.class, late.send(batch).receive());

        // then: refused, not stored, the connection open
        assertEquals(ErrorCode.BETS_AFTER_FINISH, error.code());
        assertEquals(batch.first(), error.ref());
        central.log().await("ERROR action: apuesta_recibida | result: fail | cantidad: 1 | agency: 1", LOG_WAIT);
        late.send(new ResultsRequest(PARKED));
        central.otherAgencyCompletes(parked, null);
        assertEquals(new Winners(true, central.winnersOf(PARKED)), late.receive());
    }

    @Test
    void resultsBeforeAnyBetWaitForTheDraw() throws Exception {
        // given: agency 2 asks for its results before sending a single bet
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency early = central.hello(OTHER);
        early.send(new ResultsRequest(OTHER));
        assertNull(early.receiveWithin(300), "no answer before the draw");

        // when: agency 2 sends its bets on another connection and finishes
        central.otherAgencyCompletes(parked, null);

        // then: the early request is answered at the draw with the winners of the bets sent afterwards
        assertEquals(new Winners(true, central.winnersOf(OTHER)), early.receive());
    }

    @Test
    void secondFinishIsAcknowledgedButCountsOnce() throws Exception {
        // given: agency 1 finished
        central.start();
        SocketAgency parked = central.parkedAgency();

        // when: it finishes again, on another connection
        SocketAgency again = central.hello(PARKED);
        assertEquals(new FinishAck(PARKED, 3), again.send(new Finish(PARKED, 3)).receive());

        // then: no draw yet (two distinct agencies are needed), so agency 2 can still send bets
        assertTrue(central.log().matching("action: sorteo").isEmpty());
        assertEquals(1, central.log().matching("action: fin_apuestas | result: success | agency: 1").size());
        central.otherAgencyCompletes(parked, null);
    }

    @Test
    void betsAfterTheDrawAreRefused() throws Exception {
        // given: the draw has happened
        central.start();
        SocketAgency parked = central.parkedAgency();
        central.otherAgencyCompletes(parked, null);

        // when: a third agency shows up with bets
        SocketAgency late = central.hello(3);
        ErrorReply error = assertInstanceOf(ErrorReply.class,
                late.send(new BetBatch(3, 0, List.of(bet(3, 0, 7574)))).receive());

        // then
        assertEquals(ErrorCode.DRAW_CLOSED, error.code());
        assertEquals(new Winners(true, List.of()), late.send(new ResultsRequest(3)).receive());
        central.assertStoreHoldsExactlyTheAcknowledgedBets();
    }
}
