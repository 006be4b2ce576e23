package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.codec.Bet;
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.agency.AgencyRuns.FAST;
import static ar.loteria.agency.AgencyRuns.WAIT_SECONDS;
import static ar.loteria.agency.AgencyRuns.batchStarts;
import static ar.loteria.agency.AgencyRuns.fastWithBudget;
import static ar.loteria.agency.AgencyRuns.freePort;
import static ar.loteria.agency.AgencyRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real client, over TCP on 127.0.0.1, against {@link FakeCentral}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AgencyClientTest {

    @TempDir
    Path dir;

    @Test
    void fullRunStoresEveryBetOnceAndReturnsTheWinners() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 500, 5, 3, true);
        try (FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);

            // when
            AgencyOutcome outcome = run(config(port, file), file);

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            assertEquals(1, central.connections.get());
        }
    }

    @Test
    void retriesUntilTheCentralStartsLate() throws Exception {
        // given: nothing listens yet
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 30, 1, 3, false);
        int port = freePort();
        try (LogCapture logs = LogCapture.attach();
             FakeCentral central = new FakeCentral(true);
             AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST)) {

            // when
            client.start();
            Thread.sleep(300);
            central.start(port);
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then: the course's lines, each retry counted and naming no address, then the connection
            assertEquals(ExitStatus.SUCCESS, outcome.status());
            assertTrue(logs.contains("INFO action: connect | result: in_progress | attempt: 1"), logs.texts()
                    .toString());
            assertFalse(logs.contains("result: fail"));
            assertEquals(30, central.stored.size());
            List<String> connectLines = logs.matching("action: connect |");
            assertTrue(connectLines.size() >= 3, connectLines.toString());
            for (int attempt = 1; attempt < connectLines.size(); attempt++) {
                assertEquals("INFO action: connect | result: in_progress | attempt: " + attempt,
                        connectLines.get(attempt - 1));
            }
            assertEquals("INFO action: connect | result: success | server_address: 127.0.0.1:" + port,
                    connectLines.get(connectLines.size() - 1));
        }
    }

    @Test
    void reachesACentralByItsNameAsInACompose() throws Exception {
        // given: the central's address as a name (resolved from /etc/hosts, as Compose's service names are by its
        // DNS server), not a literal address
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 40, 2, 5, false);
        try (FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);
            AgencyConfig config = AgencyConfigLoader.load(Path.of("no-such-config.yaml"), Map.of("CLI_ID", "1",
                    "CLI_SERVER_ADDRESS", "localhost:" + port, "CLI_DATA_FILE", file.toString()));

            // when
            AgencyOutcome outcome = run(config, file);

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
        }
    }

    @Test
    void aNameThatDoesNotResolveIsTriedAgainUntilTheBudgetAndThenReported() throws Exception {
        // given: a central's name that no DNS server knows (.invalid is reserved for that)
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 5, 1, 5, false);
        AgencyConfig config = AgencyConfigLoader.load(Path.of("no-such-config.yaml"), Map.of("CLI_ID", "1",
                "CLI_SERVER_ADDRESS", "central.invalid:12345", "CLI_DATA_FILE", file.toString()));
        try (LogCapture logs = LogCapture.attach();
             AgencyClient client = new AgencyClient(config, BetInput.file(file), fastWithBudget(1_500))) {

            // when
            client.start();
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then: retried (a name that does not resolve yet may be a container still starting), then unreachable
            assertEquals(ExitStatus.SERVER_UNREACHABLE, outcome.status());
            assertTrue(logs.matching("action: connect | result: in_progress | attempt: ").size() >= 2,
                    logs.texts().toString());
        }
    }

    @Test
    void aCentralWhoseAcceptQueueIsFullIsWaitedForPastTheRetryBudget() throws Exception {
        // given: a central that stops accepting (a process starved of CPU) with a queue of 1, filled, so that new
        // connections time out unanswered; a retry budget of 300 ms, 8 s while nothing answers
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 40, 2, 5, false);
        AgencyTuning tuning = new AgencyTuning(FAST.window(), FAST.retryDelay(), Duration.ofMillis(300),
                Duration.ofSeconds(8), Duration.ofMillis(200), FAST.progressEvery(), FAST.closeTimeout());
        List<Socket> queued = new ArrayList<>();
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0, 1);
            central.accepting(false);
            boolean full = false;
            while (!full && queued.size() < 20) {
                Socket socket = new Socket();
                try {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
                    queued.add(socket);
                } catch (SocketTimeoutException e) {
                    socket.close();
                    full = true;
                }
            }
            assertTrue(full, "the accept queue never filled: " + queued.size() + " connections queued");
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), tuning)) {

                // when: the central accepts again after 1.5 s, five times the retry budget
                client.start();
                Thread.sleep(1_500);
                central.accepting(true);
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            // then: the agency kept trying, connected, and got its winners
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertTrue(logs.matching("action: connect | result: in_progress | attempt: ").size() >= 3,
                    logs.texts().toString());
            assertFalse(logs.contains("result: fail"), logs.texts().toString());
        } finally {
            for (Socket socket : queued) {
                socket.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void givesUpWhenNoCentralAnswersForTheBudget(int centrals) throws Exception {
        // given: one address, or a list, where nothing listens
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 3, 0, 3, false);
        int[] ports = new int[centrals];
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < centrals; i++) {
            ports[i] = freePort();
            addresses.add("127.0.0.1:" + ports[i]);
        }
        try (LogCapture logs = LogCapture.attach(); AgencyClient client = new AgencyClient(
                AgencyRuns.config(1, file, Map.of(), ports), BetInput.file(file), fastWithBudget(300))) {

            // when
            client.start();
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then: the failure names the address as configured; with a list, each retry names the one it tried
            assertEquals(ExitStatus.SERVER_UNREACHABLE, outcome.status());
            assertTrue(logs.contains("ERROR action: connect | result: fail | server_address: "
                    + String.join(",", addresses) + " | attempts: "), logs.texts().toString());
            List<String> retries = logs.matching("action: connect | result: in_progress");
            for (String address : addresses) {
                assertEquals(centrals > 1, retries.stream().anyMatch(line -> line.endsWith("server_address: "
                        + address)), retries.toString());
            }
        }
    }

    @Test
    void givesUpWhenTheCentralKeepsClosingBeforeWelcome() throws Exception {
        // given: something that accepts every connection and closes it at once (busy, TLS-only, stopping)
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 3, 0, 3, false);
        try (java.net.ServerSocket closer = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!closer.isClosed()) {
                    try {
                        closer.accept().close();
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            }, "test-closer");
            acceptor.start();
            try (AgencyClient client = new AgencyClient(config(closer.getLocalPort(), file), BetInput.file(file),
                    fastWithBudget(500))) {
                // when
                client.start();
                AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

                // then: the budget runs out as for a refused connection
                assertEquals(ExitStatus.SERVER_UNREACHABLE, outcome.status());
            }
        }
    }

    @Test
    void resumesAfterTheCentralDropsTheConnectionMidStream() throws Exception {
        // given: the central stores the 5th batch, then drops the connection before acknowledging it
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 300, 4, 8, false);
        try (FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);
            central.dropAtBatch(5);

            // when
            AgencyOutcome outcome = run(config(port, file), file);

            // then: every bet stored once, in order, each batch continuing the store
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(2, central.connections.get());
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            assertEquals(batchStarts(300, 7), central.batchFirsts);
        }
    }

    @Test
    void resumesWithFinishWhenTheCentralRestartsBeforeTheDraw() throws Exception {
        // given: an agency that sent everything and waits for the draw
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 50, 3, 4, false);
        try (FakeCentral central = new FakeCentral(false)) {
            int port = central.start(0);
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST)) {
                client.start();
                assertTrue(central.resultsAsked.await(WAIT_SECONDS, TimeUnit.SECONDS));

                // when: the central restarts on the same store, then draws
                central.stop();
                Thread.sleep(200);
                central.start(port);
                central.draw();
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(50, central.stored.size());
            assertEquals(List.of(), central.violations);
            assertEquals(2, central.connections.get());
        }
    }

    @Test
    void aStoreThatRefusesForAWhileGetsOneBatchPerAttemptAndTheRunFinishesOnceItIsBack() throws Exception {
        // given: a store that cannot write, an agency with the production window (32) and 50 ms retries
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 500, 4, 9, false);
        AgencyTuning tuning = new AgencyTuning(AgencyTuning.DEFAULT.window(), FAST.retryDelay(), FAST.retryBudget(),
                FAST.unansweredBudget(), FAST.connectTimeout(), FAST.progressEvery(), FAST.closeTimeout());
        long downMillis = 1_500;
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(true);
             AgencyClient client = new AgencyClient(AgencyRuns.config(1, file, Map.of(), central.start(0)),
                     BetInput.file(file), tuning)) {
            central.storageDown(true);

            // when: the store comes back 1.5 s after its first refusal
            client.start();
            while (central.storageRefusals.get() == 0) {
                Thread.sleep(5);
            }
            Thread.sleep(downMillis);
            central.storageDown(false);
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then: the first connection's window refused, then one batch per connection, the connections at least
            // half a retry delay apart (resending the whole window at every retry refused some 20 batches per
            // connection, over 200 here); then every bet once
            int refused = central.storageRefusals.get();
            int connections = central.connections.get();
            assertTrue(refused >= 1 && refused <= tuning.window() + connections - 1,
                    refused + " batches refused over " + connections + " connections");
            assertTrue(connections <= downMillis / (tuning.retryDelay().toMillis() / 2) + 2,
                    connections + " connections in " + downMillis + " ms");
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            assertEquals(connections - 1, logs.matching("code: STORAGE_FAILURE").size());
        }
    }

    @Test
    void theBettingClosedMidStreamEndsWithTheWinnersAmongTheStoredBets() throws Exception {
        // given: the central closes the betting when the 5th batch (bets 28 to 34) arrives
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 300, 60, 11, false);
        List<Bet> all = TestBets.readFile(file);
        List<String> storedWinners = all.subList(0, 28).stream().filter(bet -> WinningRule.wins(bet.number()))
                .map(Bet::document).toList();
        assertFalse(storedWinners.isEmpty(), "some winners among the stored bets");
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(false)) {
            int port = central.start(0);
            central.closeBettingAtBatch(5);

            // when
            AgencyOutcome outcome = run(config(port, file), file);

            // then: FINISH with the 28 stored, the winners among them, and the close logged as a success
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, storedWinners), outcome);
            assertEquals(all.subList(0, 28), central.stored);
            assertEquals(List.of(28L), central.finishes);
            assertEquals(List.of(), central.violations);
            assertEquals(List.of("INFO action: apuestas_cerradas | result: success | apuestas_almacenadas: 28 | "
                    + "apuestas_no_enviadas: 272"), logs.matching("apuestas_cerradas"));
            assertTrue(logs.contains("INFO action: consulta_ganadores | result: success | cant_ganadores: "
                    + storedWinners.size()), logs.texts().toString());
            assertFalse(logs.contains("result: fail"), logs.texts().toString());
        }
    }

    @Test
    void closeLogsEachResourceItStops() throws Exception {
        // given: an agency waiting for a draw that never comes
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 20, 1, 4, false);
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(false)) {
            int port = central.start(0);
            AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST);
            client.start();
            assertTrue(central.resultsAsked.await(WAIT_SECONDS, TimeUnit.SECONDS));

            // when
            client.close(true);

            // then
            List<String> closing = logs.texts().stream().filter(line -> line.contains("action: close_")
                    || line.contains("action: stop_")).toList();
            assertEquals(List.of("INFO action: stop_sender | result: success",
                    "INFO action: close_connection | result: success",
                    "INFO action: close_file | result: success | file: " + file,
                    "INFO action: close_event_loop | result: success"), closing);
            assertFalse(client.outcome().isDone());
        }
    }

    private static AgencyConfig config(int port, Path file) throws AgencyConfigException {
        return AgencyRuns.config(1, file, Map.of(), port);
    }
}
