package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.agency.AgencyRuns.FAST;
import static ar.loteria.agency.AgencyRuns.WAIT_SECONDS;
import static ar.loteria.agency.AgencyRuns.fastWithBudget;
import static ar.loteria.agency.AgencyRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Centrals that keep their connections open and stop answering (a stopped process, a frozen machine, a network that
 * drops their packets), over TCP on 127.0.0.1, with an answer timeout of 300 ms: a socket nobody accepts on (the
 * kernel completes the handshake, nothing reads), and {@link FakeCentral}s gone silent mid-stream or while the
 * agency waits for the draw.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnansweredCentralTest {

    private static final Map<String, String> TIMEOUT = Map.of("CLI_SERVER_ANSWERTIMEOUT", "300ms");

    @TempDir
    Path dir;

    @Test
    void aCentralThatNeverAnswersHelloIsLeftForTheNextOfTheList() throws Exception {
        // given: agency 1 starts at the first entry, where connections are taken and never answered
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 200, 3, 5, false);
        try (LogCapture logs = LogCapture.attach(); ServerSocket mute = muteSocket();
             FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);
            String muteAddress = "127.0.0.1:" + mute.getLocalPort();

            // when
            AgencyOutcome outcome = run(AgencyRuns.config(1, file, TIMEOUT, mute.getLocalPort(), port), file);

            // then: the silence is logged, the attempt counted, and the next central has every bet
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            assertEquals(List.of("WARN action: sin_respuesta | result: in_progress | server_address: " + muteAddress
                    + " | mensaje: HELLO | timeout_ms: 300"), logs.matching("sin_respuesta"));
            assertEquals(List.of("INFO action: connect | result: success | server_address: " + muteAddress,
                    "INFO action: connect | result: in_progress | attempt: 1 | server_address: " + muteAddress,
                    "INFO action: connect | result: success | server_address: 127.0.0.1:" + port),
                    logs.matching("action: connect |"));
        }
    }

    @Test
    void aLoneCentralThatNeverAnswersIsRetriedForTheBudgetThenTheAgencyGivesUp() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 20, 1, 5, false);
        try (LogCapture logs = LogCapture.attach(); ServerSocket mute = muteSocket();
             AgencyClient client = new AgencyClient(AgencyRuns.config(1, file, TIMEOUT, mute.getLocalPort()),
                     BetInput.file(file), fastWithBudget(1_000))) {

            // when
            client.start();
            AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

            // then: each attempt timed out and was retried, then the agency gave up as for an unreachable central
            assertEquals(ExitStatus.SERVER_UNREACHABLE, outcome.status());
            assertTrue(logs.matching("sin_respuesta").size() >= 2, logs.texts().toString());
            assertTrue(logs.contains("ERROR action: connect | result: fail | server_address: 127.0.0.1:"
                    + mute.getLocalPort() + " | attempts: "), logs.texts().toString());
            assertTrue(logs.matching("action: connect | result: fail").get(0)
                    .endsWith("error: no answer to HELLO within 300 ms"), logs.texts().toString());
        }
    }

    @Test
    void aLoneCentralThatLeavesHelloUnansweredForAWhileIsWaitedForPastTheRetryBudget() throws Exception {
        // given: a central that accepts and says nothing (starved of CPU); a retry budget of 600 ms, 8 s while
        // nothing answers
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 20, 1, 5, false);
        AgencyTuning tuning = new AgencyTuning(FAST.window(), FAST.retryDelay(),
                Duration.ofMillis(600), Duration.ofSeconds(8), FAST.connectTimeout(),
                FAST.progressEvery(), FAST.closeTimeout());
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);
            central.goSilent();
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(AgencyRuns.config(1, file, TIMEOUT, port),
                    BetInput.file(file), tuning)) {

                // when: it answers again after 2 s, over three times the retry budget
                client.start();
                Thread.sleep(2_000);
                central.answerAgain();
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            // then: each HELLO left unanswered was retried, and the agency got its winners
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), central.stored);
            assertTrue(logs.matching("sin_respuesta").size() >= 3, logs.texts().toString());
            assertFalse(logs.contains("result: fail"), logs.texts().toString());
        }
    }

    @Test
    void aCentralSilentMidStreamIsLeftAndTheNextResumesWithNothingLostOrDuplicated() throws Exception {
        // given: two centrals on one store; the first stops answering at the 10th batch, which it does not store
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 300, 4, 8, false);
        try (LogCapture logs = LogCapture.attach(); FakeCentral first = new FakeCentral(true)) {
            FakeCentral second = first.sharingStore();
            int firstPort = first.start(0);
            int secondPort = second.start(0);
            first.goSilentAtBatch(10);

            // when
            AgencyOutcome outcome = run(AgencyRuns.config(1, file, TIMEOUT, firstPort, secondPort), file);

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), first.stored);
            assertEquals(List.of(), first.violations);
            assertEquals(1, second.connections.get());
            assertEquals(List.of("WARN action: sin_respuesta | result: in_progress | server_address: 127.0.0.1:"
                    + firstPort + " | mensaje: BETS | timeout_ms: 300"), logs.matching("sin_respuesta"));
            assertTrue(logs.contains("WARN action: reconnect | result: in_progress | server_address: 127.0.0.1:"
                    + secondPort), logs.texts().toString());
        }
    }

    @Test
    void whileWaitingForTheDrawAnAnsweringCentralIsKeptAndASilentOneIsLeft() throws Exception {
        // given: two centrals on one store that has not drawn; the agency sent everything to the first and waits
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 50, 3, 4, false);
        try (LogCapture logs = LogCapture.attach(); FakeCentral first = new FakeCentral(false)) {
            FakeCentral second = first.sharingStore();
            int firstPort = first.start(0);
            int secondPort = second.start(0);
            AgencyConfig config = AgencyRuns.config(1, file, TIMEOUT, firstPort, secondPort);
            try (AgencyClient client = new AgencyClient(config, BetInput.file(file), FAST)) {
                client.start();
                assertTrue(first.resultsAsked.await(WAIT_SECONDS, TimeUnit.SECONDS));

                // when: a wait of four answer timeouts, then the first central goes silent, then the draw
                Thread.sleep(4 * 300);
                int connectionsWhileAnswering = first.connections.get();
                int finishesWhileAnswering = first.finishes.size();
                first.goSilent();
                awaitRegistered(second);
                second.draw();
                AgencyOutcome outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);

                // then: kept while it answered the probes (FINISH again, same total, answered at once); left
                // when a probe went unanswered; the winners came from the second
                assertEquals(1, connectionsWhileAnswering);
                assertTrue(finishesWhileAnswering >= 3, "the first FINISH and probes: " + finishesWhileAnswering);
                assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
                assertEquals(List.of(50L), first.finishes.stream().distinct().toList());
                assertEquals(List.of(), first.violations);
                assertEquals(List.of("WARN action: sin_respuesta | result: in_progress | server_address: "
                        + "127.0.0.1:" + firstPort + " | mensaje: FINISH | timeout_ms: 300"),
                        logs.matching("sin_respuesta"));
                assertFalse(logs.contains("result: fail"), logs.texts().toString());
            }
        }
    }

    /** A listening socket nobody accepts on: connections complete in the kernel and are never read. */
    private static ServerSocket muteSocket() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    /** Waits until the agency has connected to {@code central} and, after FINISH, asked for its results there. */
    private static void awaitRegistered(FakeCentral central) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS).toNanos();
        while (central.connections.get() == 0 || central.received.get() < 3) {
            assertTrue(System.nanoTime() < deadline, "the agency did not move to the second central");
            Thread.sleep(10);
        }
    }
}
