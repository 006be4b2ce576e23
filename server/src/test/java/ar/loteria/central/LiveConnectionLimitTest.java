package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.SocketAgency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static ar.loteria.central.LiveCentral.PARKED;
import static ar.loteria.central.LiveCentral.assertClosed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Connections beyond MAX_CONNECTIONS against the real central over sockets ({@link LiveCentral}): refused with
 * SERVER_BUSY while the central stays up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveConnectionLimitTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    @Test
    void connectionsBeyondTheLimitAreRefusedAndTheCentralStaysUp() throws Exception {
        // given: at most 5 connections, and an idle timeout long enough not to interfere
        central.start(1, 5, Duration.ofSeconds(20));
        int attempts = 20;

        // when: 20 connections at once
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SocketAgency>> connecting = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            connecting.add(pool.submit(() -> {
                go.await();
                return central.connect();
            }));
        }
        go.countDown();
        List<SocketAgency> crowd = new ArrayList<>();
        for (Future<SocketAgency> future : connecting) {
            crowd.add(future.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        central.awaitOpenConnections(5);

        // then: exactly 5 are kept; every other one got SERVER_BUSY and was closed
        List<SocketAgency> kept = new ArrayList<>();
        int busy = 0;
        for (SocketAgency socket : crowd) {
            Message reply = socket.receiveWithin(200);
            if (reply == null) {
                kept.add(socket);
            } else {
                assertEquals(ErrorCode.SERVER_BUSY, assertInstanceOf(ErrorReply.class, reply).code());
                assertClosed(socket);
                busy++;
            }
        }
        assertEquals(5, kept.size());
        assertEquals(attempts - 5, busy);
        assertEquals(attempts - 5, central.log().matching("WARN action: aceptar_conexion | result: fail").size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(new Welcome(10 + i, 0), kept.get(i).send(new Hello(10 + i, "")).receive());
        }

        // and once they leave, a normal agency is served from start to winners
        for (SocketAgency socket : kept) {
            socket.close();
        }
        central.awaitOpenConnections(0);
        SocketAgency agency = central.hello(PARKED);
        central.sendAcknowledged(agency, PARKED, central.bets(PARKED, 4));
        assertEquals(new FinishAck(PARKED, 4), agency.send(new Finish(PARKED, 4)).receive());
        assertEquals(new Winners(true, central.winnersOf(PARKED)), agency.send(new ResultsRequest(PARKED)).receive());
        central.assertStoreHoldsExactlyTheAcknowledgedBets();
    }
}
