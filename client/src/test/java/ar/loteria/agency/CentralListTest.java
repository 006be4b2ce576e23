package ar.loteria.agency;

import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.agency.AgencyRuns.batchStarts;
import static ar.loteria.agency.AgencyRuns.freePort;
import static ar.loteria.agency.AgencyRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agency given several centrals ({@code CLI_SERVER_ADDRESS=host:port,host:port,...}), over TCP on 127.0.0.1
 * against {@link FakeCentral}s that share one store, as centrals sharing one database do.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CentralListTest {

    @TempDir
    Path dir;

    @Test
    void unreachableFirstCentralIsPassedForTheNext() throws Exception {
        // given: agency 1 starts at the first entry, where nothing listens
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 200, 3, 5, false);
        int refused = freePort();
        try (LogCapture logs = LogCapture.attach(); FakeCentral central = new FakeCentral(true)) {
            int port = central.start(0);

            // when
            AgencyOutcome outcome = run(AgencyRuns.config(1, file, Map.of(), refused, port), file);

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), central.stored);
            assertEquals(List.of(), central.violations);
            assertEquals(List.of("INFO action: connect | result: in_progress | attempt: 1 | server_address: "
                    + "127.0.0.1:" + refused, "INFO action: connect | result: success | server_address: 127.0.0.1:"
                    + port), connectLines(logs));
            assertFalse(logs.contains("result: fail"), logs.texts().toString());
        }
    }

    @Test
    void droppedConnectionResumesOnTheNextCentralWithNothingLostOrDuplicated() throws Exception {
        // given: the first central stores the 5th batch, then drops the connection before acknowledging it
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 300, 4, 8, false);
        try (LogCapture logs = LogCapture.attach(); FakeCentral first = new FakeCentral(true)) {
            FakeCentral second = first.sharingStore();
            int firstPort = first.start(0);
            int secondPort = second.start(0);
            first.dropAtBatch(5);

            // when
            AgencyOutcome outcome = run(AgencyRuns.config(1, file, Map.of(), firstPort, secondPort), file);

            // then: the second central's WELCOME said where to resume (at least the 5 batches stored before the
            // drop, more when later batches were already read), and each batch continued the store once
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(1, first.connections.get());
            assertEquals(1, second.connections.get());
            assertEquals(TestBets.readFile(file), first.stored);
            assertEquals(List.of(), first.violations);
            assertEquals(batchStarts(300, 7), first.batchFirsts);
            assertTrue(logs.contains("WARN action: reconnect | result: in_progress | server_address: 127.0.0.1:"
                    + secondPort), logs.texts().toString());
            List<Long> welcomed = logs.matching("action: hello |").stream()
                    .map(line -> Long.parseLong(line.substring(line.lastIndexOf(' ') + 1))).toList();
            assertEquals(2, welcomed.size(), welcomed.toString());
            assertEquals(0, welcomed.get(0));
            assertTrue(welcomed.get(1) >= 35 && welcomed.get(1) % 7 == 0, "resumed at " + welcomed.get(1));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 0", "2, 1", "3, 2", "4, 0", "8, 1"})
    void agencyStartsAtItsOwnEntryOfTheList(long agency, int expectedEntry) throws Exception {
        // given: three centrals, each with a store of its own
        Path file = dir.resolve("agency-" + agency + ".csv");
        BetFileGenerator.writeAgencyFile(file, agency, 20, 1, 3, false);
        try (FakeCentral a = new FakeCentral(true); FakeCentral b = new FakeCentral(true);
             FakeCentral c = new FakeCentral(true)) {
            List<FakeCentral> centrals = List.of(a, b, c);
            int[] ports = {a.start(0), b.start(0), c.start(0)};

            // when
            AgencyOutcome outcome = run(AgencyRuns.config(agency, file, Map.of(), ports), file);

            // then: only the agency's own central saw it, and holds its bets
            assertEquals(ExitStatus.SUCCESS, outcome.status());
            for (int entry = 0; entry < centrals.size(); entry++) {
                assertEquals(entry == expectedEntry ? 1 : 0, centrals.get(entry).connections.get(), "entry " + entry);
                assertEquals(entry == expectedEntry ? 20 : 0, centrals.get(entry).stored.size(), "entry " + entry);
            }
        }
    }

    private static List<String> connectLines(LogCapture logs) {
        return logs.matching("action: connect |");
    }
}
