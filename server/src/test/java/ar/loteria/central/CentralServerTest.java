package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.TransportSetting;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
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
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real central on a loopback port, spoken to over real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CentralServerTest {

    @TempDir
    Path dir;

    private final List<CentralServer> servers = new ArrayList<>();

    private CentralServer start(int agencies) throws Exception {
        return start(agencies, dir.resolve("bets.csv"));
    }

    private CentralServer start(int agencies, Path store) throws Exception {
        return start(agencies, store, false);
    }

    private CentralServer start(int agencies, Path store, boolean sync) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies,
                store, 1000, Duration.ofSeconds(30), Map.of(), sync);
        CentralServer server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        servers.add(server);
        return server;
    }

    @AfterEach
    void stopServers() {
        servers.forEach(CentralServer::close);
    }

    private static Bet bet(int i, int number) {
        return new Bet("Nombre " + i, "Apellido", String.format("%08d", i), "1990-01-01", number);
    }

    @ParameterizedTest
    @EnumSource(TransportSetting.class)
    void runsAWholeDrawOnEveryTransportFallingBackToTheJdksSelectorWhereANativeOneCannotLoad(TransportSetting asked)
            throws Exception {
        // given
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, 1, dir.resolve("bets.csv"),
                1000, Duration.ofSeconds(30), Map.of()).withTransport(asked);
        CentralServer server = new CentralServer(config, null, 2, Ledgers.opener(config));
        servers.add(server);
        String expected = switch (asked) {
            case NIO -> "nio";
            case IO_URING -> IoUring.isAvailable() ? "io_uring" : "nio";
            case EPOLL, AUTO -> Epoll.isAvailable() ? "epoll" : "nio";
        };

        // when
        try (LogCapture log = LogCapture.attach()) {
            server.start();
            try (SocketAgency agency = new SocketAgency(server.port())) {
                assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());
                assertEquals(new BatchAck(0, 2), agency.send(new BetBatch(1, 0, List.of(bet(1, 7574), bet(2, 1))))
                        .receive());
                assertEquals(new FinishAck(1, 2), agency.send(new Finish(1, 2)).receive());
                assertEquals(new Winners(true, List.of("00000001")), agency.send(new ResultsRequest(1)).receive());
            }

            // then: the transport it runs on, and a line only when an asked-for one could not load
            assertEquals(expected, server.transport());
            boolean fellBack = asked != TransportSetting.AUTO && asked != TransportSetting.NIO
                    && expected.equals("nio");
            assertEquals(fellBack, log.contains("action: transport"), String.join("\n", log.texts()));
        }
    }

    @Test
    void twoAgenciesGetTheirOwnWinnersAfterBothFinish() throws Exception {
        // given
        CentralServer server = start(2);
        try (SocketAgency one = new SocketAgency(server.port()); SocketAgency two = new SocketAgency(server.port())) {
            assertEquals(new Welcome(1, 0), one.send(new Hello(1, "")).receive());
            assertEquals(new Welcome(2, 0), two.send(new Hello(2, "")).receive());
            one.send(new BetBatch(1, 0, List.of(bet(1, 7574), bet(2, 1))));
            two.send(new BetBatch(2, 0, List.of(bet(3, 7574), bet(4, 7574))));
            assertEquals(new BatchAck(0, 2), one.receive());
            assertEquals(new BatchAck(0, 2), two.receive());

            // when
            assertEquals(new FinishAck(1, 2), one.send(new Finish(1, 2)).receive());
            one.send(new ResultsRequest(1));
            assertEquals(new FinishAck(2, 2), two.send(new Finish(2, 2)).receive());
            two.send(new ResultsRequest(2));

            // then
            assertEquals(new Winners(true, List.of("00000001")), one.receive());
            assertEquals(new Winners(true, List.of("00000003", "00000004")), two.receive());
        }
        assertEquals(4, Files.readAllLines(dir.resolve("bets.csv")).size());
    }

    @Test
    void agenciesThatSendBatchesFinishAndResultsWithoutWaitingGetEveryAnswerInOrder() throws Exception {
        // Several agencies at once, each writing its batches, FINISH and RESULTS back to back: batches of different
        // connections share the storage thread's groups, and a FINISH must still find all its batches stored.
        // The last round syncs every write to the disk, which makes the groups larger.
        int agencies = 6;
        int batches = 60;
        ExecutorService threads = Executors.newFixedThreadPool(agencies);
        try {
            for (int round = 0; round < 4; round++) {
                // the last round with every write forced to the disk (STORAGE_SYNC)
                CentralServer server = start(agencies, dir.resolve("round-" + round + ".csv"), round == 3);
                List<Future<?>> done = new ArrayList<>();
                for (int id = 1; id <= agencies; id++) {
                    long agency = id;
                    Random random = new Random(round * 100L + id);
                    done.add(threads.submit(() -> {
                        pipelineAllAndCheck(server.port(), agency, batches, random);
                        return null;
                    }));
                }
                for (Future<?> agency : done) {
                    agency.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static void pipelineAllAndCheck(int port, long agency, int batches, Random random) throws IOException {
        try (SocketAgency socket = new SocketAgency(port)) {
            assertEquals(new Welcome(agency, 0), socket.send(new Hello(agency, "")).receive());
            List<Message> expected = new ArrayList<>();
            List<String> winners = new ArrayList<>();
            long first = 0;
            for (int b = 0; b < batches; b++) {
                List<Bet> bets = new ArrayList<>();
                for (int i = 1 + random.nextInt(5); i > 0; i--) {
                    String document = String.format("%02d%06d", agency, first + bets.size());
                    int number = random.nextInt(4) == 0 ? 7574 : random.nextInt(7574);
                    if (number == 7574) {
                        winners.add(document);
                    }
                    bets.add(new Bet("Ana", "Paz", document, "1990-01-01", number));
                }
                socket.send(new BetBatch(agency, first, bets));
                expected.add(new BatchAck(first, bets.size()));
                first += bets.size();
            }
            socket.send(new Finish(agency, first)).send(new ResultsRequest(agency));
            expected.add(new FinishAck(agency, first));
            expected.add(new Winners(true, winners));
            for (Message message : expected) {
                assertEquals(message, socket.receive(), "agency " + agency);
            }
        }
    }

    @Test
    void healthProbeThatSendsNothingLeavesTheServerWorking() throws Exception {
        CentralServer server = start(1);
        new SocketAgency(server.port()).close();

        try (SocketAgency agency = new SocketAgency(server.port())) {
            assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());
        }
    }

    @Test
    void restartedCentralCarriesOnFromTheStoredBets() throws Exception {
        // given: a first central stores 3 bets of agency 1, then stops
        CentralServer first = start(1);
        try (SocketAgency agency = new SocketAgency(first.port())) {
            agency.send(new Hello(1, "")).receive();
            assertEquals(new BatchAck(0, 3), agency.send(new BetBatch(1, 0,
                    List.of(bet(1, 7574), bet(2, 1), bet(3, 2)))).receive());
        }
        first.close();

        // when: a new central opens the same file
        CentralServer second = start(1);
        try (SocketAgency agency = new SocketAgency(second.port())) {
            // then: it knows where the agency stopped, takes the rest, and draws over all of it
            assertEquals(new Welcome(1, 3), agency.send(new Hello(1, "")).receive());
            assertEquals(new BatchAck(3, 1), agency.send(new BetBatch(1, 3, List.of(bet(4, 7574)))).receive());
            assertEquals(new FinishAck(1, 4), agency.send(new Finish(1, 4)).receive());
            assertEquals(new Winners(true, List.of("00000001", "00000004")),
                    agency.send(new ResultsRequest(1)).receive());
        }
    }

    @Test
    void aCentralRestartedAfterTheDrawCarriesOnWithTheSameDrawWithoutAnyFinish() throws Exception {
        // given: a draw made, then the central stopped (its agencies have their winners and are gone)
        CentralServer first = start(2);
        try (SocketAgency one = new SocketAgency(first.port()); SocketAgency two = new SocketAgency(first.port())) {
            one.send(new Hello(1, "")).receive();
            two.send(new Hello(2, "")).receive();
            assertEquals(new BatchAck(0, 2), one.send(new BetBatch(1, 0, List.of(bet(1, 7574), bet(2, 3)))).receive());
            assertEquals(new FinishAck(1, 2), one.send(new Finish(1, 2)).receive());
            assertEquals(new FinishAck(2, 0), two.send(new Finish(2, 0)).receive());
            assertEquals(new Winners(true, List.of("00000001")), one.send(new ResultsRequest(1)).receive());
        }
        first.close();

        // when: a new central on the same store, and an agency that only asks
        try (LogCapture log = LogCapture.attach()) {
            CentralServer second = start(2);
            try (SocketAgency one = new SocketAgency(second.port())) {
                assertEquals(new Welcome(1, 2), one.send(new Hello(1, "")).receive());

                // then: the same draw, at once, and no new bets
                assertEquals(new Winners(true, List.of("00000001")), one.send(new ResultsRequest(1)).receive());
                assertEquals(ErrorCode.DRAW_CLOSED, ((ErrorReply) one.send(new BetBatch(1, 2, List.of(bet(3, 7574))))
                        .receive()).code());
            }
            assertEquals(1, log.matching("action: sorteo | result: success").size());
            assertEquals(1, log.matching("action: restaurar_finalizadas | result: success").size());
        }
    }

    @Test
    void aCentralRestartedBeforeTheDrawRemembersWhoFinished() throws Exception {
        // given: agency 1 finished, then the central stopped
        CentralServer first = start(2);
        try (SocketAgency one = new SocketAgency(first.port())) {
            one.send(new Hello(1, "")).receive();
            assertEquals(new BatchAck(0, 1), one.send(new BetBatch(1, 0, List.of(bet(1, 7574)))).receive());
            assertEquals(new FinishAck(1, 1), one.send(new Finish(1, 1)).receive());
        }
        first.close();

        // when: after a restart only agency 2 finishes
        CentralServer second = start(2);
        try (SocketAgency two = new SocketAgency(second.port()); SocketAgency one = new SocketAgency(second.port())) {
            two.send(new Hello(2, "")).receive();
            assertEquals(new FinishAck(2, 0), two.send(new Finish(2, 0)).receive());

            // then: that was the last FINISH the draw waited for
            one.send(new Hello(1, "")).receive();
            assertEquals(new Winners(true, List.of("00000001")), one.send(new ResultsRequest(1)).receive());
        }
    }

    @Test
    void removingTheBetsFileStartsANewDraw() throws Exception {
        // given: a lottery drawn and stopped
        CentralServer first = start(1);
        try (SocketAgency one = new SocketAgency(first.port())) {
            one.send(new Hello(1, "")).receive();
            assertEquals(new FinishAck(1, 0), one.send(new Finish(1, 0)).receive());
        }
        first.close();

        // when: the operator removes the bets file, as the course does for a new draw
        Files.delete(dir.resolve("bets.csv"));
        CentralServer second = start(1);

        // then: nobody has finished in the new draw, so bets are taken
        try (SocketAgency one = new SocketAgency(second.port())) {
            assertEquals(new Welcome(1, 0), one.send(new Hello(1, "")).receive());
            assertEquals(new BatchAck(0, 1), one.send(new BetBatch(1, 0, List.of(bet(1, 5)))).receive());
        }
    }

    @Test
    void closeTellsWaitingAgenciesAndKeepsEveryAcknowledgedBet() throws Exception {
        // given: an agency streaming batches while the central is closed under it
        CentralServer server = start(2);
        List<BatchAck> acks = new ArrayList<>();
        try (SocketAgency agency = new SocketAgency(server.port())) {
            agency.send(new Hello(1, "")).receive();
            CompletableFuture<Void> stopping = null;
            Message reply = null;
            for (int b = 0; b < 2_000; b++) {
                List<Bet> bets = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    bets.add(bet(b * 10 + i, 5));
                }
                try {
                    agency.send(new BetBatch(1, b * 10L, bets));
                    reply = agency.receive();
                } catch (IOException e) {
                    break;
                }
                if (!(reply instanceof BatchAck ack)) {
                    break;
                }
                acks.add(ack);
                if (b == 100) {
                    stopping = CompletableFuture.runAsync(server::close);
                }
            }
            if (stopping != null) {
                stopping.get(30, TimeUnit.SECONDS);
            }
            // then: the last reply, if any, says why
            if (reply != null && !(reply instanceof BatchAck)) {
                assertEquals(ErrorCode.SHUTTING_DOWN, ((ErrorReply) reply).code());
            }
        }
        long acknowledged = acks.stream().mapToLong(BatchAck::count).sum();
        List<String> rows = Files.readAllLines(dir.resolve("bets.csv"));
        assertTrue(acknowledged >= 1_010, "acked " + acknowledged);
        assertTrue(rows.size() >= acknowledged, rows.size() + " rows for " + acknowledged + " acknowledged bets");
        assertTrue(Files.readString(dir.resolve("bets.csv")).endsWith("\r\n"), "the file ends on a whole row");
    }

    @Test
    void waitingAgencyIsToldWhenTheCentralStops() throws Exception {
        CentralServer server = start(2);
        try (SocketAgency agency = new SocketAgency(server.port())) {
            agency.send(new Hello(1, "")).receive();
            agency.send(new ResultsRequest(1));

            server.close();

            // then: told why, then the connection ends; with a FIN, or with a reset when the central stopped before
            // it had read the RESULTS request (TCP's answer to a close with bytes unread)
            ErrorReply reply = assertInstanceOf(ErrorReply.class, agency.receive());
            assertEquals(ErrorCode.SHUTTING_DOWN, reply.code());
            assertTrue(agency.closedOrReset());
        }
    }
}
