package ar.loteria.central;

import ar.loteria.central.config.CloseSettings;
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
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static ar.loteria.central.EmbeddedCentral.GOOD;
import static ar.loteria.central.EmbeddedCentral.WINNER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The close of betting on the real central over real sockets: at {@code DRAW_AT} the draw is made over what is
 * stored whoever has not finished, the RESULTS parked until it are answered, and a late agency is refused new bets
 * but finishes with what is stored and gets its winners.
 */
class LiveCloseTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    @Test
    void atTheCloseTheDrawIsMadeAndALateAgencyFinishesWithWhatIsStored() throws Exception {
        // given: three agencies, betting closes 2 s after the first FINISH; agency 2 has bets and will not finish,
        // agency 1 finishes (which starts the count) and waits, agency 3 never comes
        central.startClosing(3, new CloseSettings(null, Duration.ofSeconds(2)));
        SocketAgency late = central.hello(2);
        central.sendAcknowledged(late, 2, List.of(GOOD, WINNER, GOOD));
        SocketAgency first = central.hello(1);
        central.sendAcknowledged(first, 1, List.of(WINNER, GOOD));
        Instant beforeFinish = Instant.now();
        assertEquals(new FinishAck(1, 2), first.send(new Finish(1, 2)).receive());
        first.send(new ResultsRequest(1));

        // when: the close passes
        Message answer = first.receiveWithin(5_000);
        Instant answeredAt = Instant.now();

        // then: the parked RESULTS is answered at the close (2 s after the FINISH), within a second of it
        assertEquals(new Winners(true, List.of(WINNER.document())), answer);
        String closeLine = central.log().await("action: cierre_apuestas | result: success | closed_at: ",
                LiveCentral.LOG_WAIT);
        Instant closesAt = Instant.parse(closeLine.replaceAll(".*closed_at: ([^ ]+) .*", "$1"));
        assertTrue(!closesAt.isBefore(beforeFinish.plusSeconds(2)) && closesAt.isBefore(Instant.now()), closeLine);
        assertTrue(!answeredAt.isBefore(closesAt) && answeredAt.isBefore(closesAt.plusSeconds(1)),
                "answered at " + answeredAt + " for a close at " + closesAt);
        assertTrue(closeLine.endsWith(" | agencias_listas: 1 | agencias_sin_finalizar: 1 | agencias_sin_conectar: 1"),
                closeLine);
        central.log().await("action: agencia_sin_finalizar | result: success | agency: 2 | apuestas: 3",
                LiveCentral.LOG_WAIT);

        // and the late agency: refused new bets, told what is stored; its FINISH of those and its winners
        ErrorReply refused = assertInstanceOf(ErrorReply.class,
                late.send(new BetBatch(2, 3, List.of(WINNER))).receive());
        assertEquals(ErrorCode.DRAW_CLOSED, refused.code());
        assertEquals(3, refused.ref());
        assertTrue(refused.reason().contains("agency 2 has 3 bets stored"), refused.reason());
        assertEquals(new FinishAck(2, 3), late.send(new Finish(2, 3)).receive());
        assertEquals(new Winners(true, List.of(WINNER.document())), late.send(new ResultsRequest(2)).receive());
        // nothing stored after the close, one draw
        assertEquals(5, StoreRows.read(central.store()).size());
        assertEquals(1, central.log().matching("action: sorteo | result: success").size());
    }
}
