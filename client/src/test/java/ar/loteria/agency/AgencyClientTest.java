package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;
import ar.loteria.agency.generate.BetFileGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real client, over TCP on 127.0.0.1, against {@link FakeCentral}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AgencyClientTest {

    /** A window of 4 and short retries, so that runs are quick and the window really fills. */
    private static final AgencyTuning FAST = new AgencyTuning(4, Duration.ofMillis(50), Duration.ofSeconds(5),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2));
    private static final long WAIT_SECONDS = 10;

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
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST)) {
                client.start();
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

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
        try (LogCapture logs = new LogCapture();
             FakeCentral central = new FakeCentral(true);
             AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST)) {

            // when
            client.start();
            Thread.sleep(300);
            central.start(port);
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then
            assertEquals(ExitStatus.SUCCESS, outcome.status());
            assertTrue(logs.contains("INFO action: connect | result: in_progress | attempt: 1"), logs.messages()
                    .toString());
            assertFalse(logs.contains("result: fail"));
            assertEquals(30, central.stored.size());
        }
    }

    @Test
    void givesUpWhenTheCentralStaysUnreachable() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 3, 0, 3, false);
        AgencyTuning shortBudget = new AgencyTuning(4, Duration.ofMillis(50), Duration.ofMillis(300),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2));
        try (LogCapture logs = new LogCapture();
             AgencyClient client = new AgencyClient(config(freePort(), file), BetInput.file(file), shortBudget)) {

            // when
            client.start();
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then
            assertEquals(ExitStatus.SERVER_UNREACHABLE, outcome.status());
            assertTrue(logs.contains("ERROR action: connect | result: fail | server_address: 127.0.0.1:"));
        }
    }

    @Test
    void givesUpWhenTheCentralKeepsClosingBeforeWelcome() throws Exception {
        // given: something that accepts every connection and closes it at once (busy, TLS-only, stopping)
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 3, 0, 3, false);
        AgencyTuning shortBudget = new AgencyTuning(4, Duration.ofMillis(50), Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2));
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
                    shortBudget)) {
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
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST)) {
                client.start();
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            // then: every bet stored once, in order, each batch continuing the store
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(2, central.connections.get());
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            List<Long> expectedFirsts = new ArrayList<>();
            for (long first = 0; first < 300; first += 7) {
                expectedFirsts.add(first);
            }
            assertEquals(expectedFirsts, central.batchFirsts);
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
    void closeLogsEachResourceItStops() throws Exception {
        // given: an agency waiting for a draw that never comes
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 20, 1, 4, false);
        try (LogCapture logs = new LogCapture(); FakeCentral central = new FakeCentral(false)) {
            int port = central.start(0);
            AgencyClient client = new AgencyClient(config(port, file), BetInput.file(file), FAST);
            client.start();
            assertTrue(central.resultsAsked.await(WAIT_SECONDS, TimeUnit.SECONDS));

            // when
            client.close(true);

            // then
            List<String> closing = logs.messages().stream().filter(line -> line.contains("action: close_")
                    || line.contains("action: stop_")).toList();
            assertEquals(List.of("INFO action: stop_sender | result: success",
                    "INFO action: close_connection | result: success",
                    "INFO action: close_file | result: success | file: " + file,
                    "INFO action: close_event_loop | result: success"), closing);
            assertFalse(client.outcome().isDone());
        }
    }

    private static AgencyConfig config(int port, Path file) throws AgencyConfigException {
        return AgencyConfigLoader.load(Path.of("no-such-config.yaml"), Map.of("CLI_ID", "1",
                "CLI_SERVER_ADDRESS", "127.0.0.1:" + port, "CLI_BATCH_MAXAMOUNT", "7",
                "CLI_DATA_FILE", file.toString()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
