package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import ar.loteria.launch.Launch;
import ar.loteria.testkit.TestPostgres;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.e2e.Composition.awaitPort;
import static ar.loteria.e2e.Composition.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Several central jars on one PostgreSQL database (a real server, {@link TestPostgres}) make one lottery: agency
 * jars spread over them by their address lists, a central killed in the middle of the ingest, a central stopped
 * (SIGSTOP) with agencies sending to it and waiting for the draw there, one agency talking to two centrals at
 * once, the database restarted under them. Every time: each agency exits 0 with exactly its own
 * winners, the database holds every bet of every input exactly once, in each agency's order, and there is one
 * draw, which every central logs once.
 *
 * <p>The tests that give agencies a list of centrals need the agency that understands one (issue 12, item 4).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MultiCentralTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(90);
    /** Agencies start a JVM each: compiled with C1 only and a small heap, thirty of them share two cores. */
    private static final String AGENCY_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m";

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private Map<String, String> database(String url) {
        return Map.of("STORAGE_URL", url, "STORAGE_USER", TestPostgres.USER, "STORAGE_PASSWORD",
                TestPostgres.PASSWORD);
    }

    /** {@code count} centrals on {@code url}, each logging to central-I.log; returns them once all listen. */
    private List<JarProcess> centrals(int count, int agencies, String url) throws Exception {
        List<JarProcess> centrals = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            centrals.add(composition.server(agencies, database(url), "central-" + i + ".log"));
        }
        return centrals;
    }

    private static List<String> addresses(List<JarProcess> centrals) throws Exception {
        List<String> addresses = new ArrayList<>();
        for (JarProcess central : centrals) {
            addresses.add("127.0.0.1:" + awaitPort(central));
        }
        return addresses;
    }

    private JarProcess agency(int id, String address, int batch, String name) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("CLI_ID", String.valueOf(id), "CLI_SERVER_ADDRESS", address,
                "CLI_DATA_FILE", input(id).toString(), "CLI_BATCH_MAXAMOUNT", String.valueOf(batch),
                "JAVA_TOOL_OPTIONS", AGENCY_JVM));
        return composition.client(name, env);
    }

    private Path input(int id) {
        return dir.resolve("data/agency-" + id + ".csv");
    }

    private void generate(int agencies, int bets, long seed) throws Exception {
        composition.generate(dir.resolve("data"), agencies, bets, 3, seed, true);
        for (int id = 1; id <= agencies; id++) {
            // rows are compared as text below, which is exact only without quoted fields
            assertFalse(Files.readString(input(id), StandardCharsets.UTF_8).contains("\""));
        }
    }

    private static void assertWinners(JarProcess agency, Path input) throws Exception {
        assertEquals(0, agency.awaitExit(RUN), tail(agency.lines()));
        long expected = rowsOf(input).stream().filter(row -> row.endsWith(",7574")).count();
        String line = "action: consulta_ganadores | result: success | cant_ganadores: " + expected;
        assertTrue(agency.lines().stream().anyMatch(l -> l.endsWith(line)), tail(agency.lines()));
    }

    /** Exports the database through the server jar's export command and checks it against every input file. */
    private void assertStoredExactlyOnce(String url, int agencies) throws Exception {
        Path out = dir.resolve("export.csv");
        export(url, out);
        Map<Integer, List<String>> exported = new HashMap<>();
        for (String row : rowsOf(out)) {
            int comma = row.indexOf(',');
            exported.computeIfAbsent(Integer.parseInt(row.substring(0, comma)), a -> new ArrayList<>())
                    .add(row.substring(comma + 1));
        }
        for (int id = 1; id <= agencies; id++) {
            assertEquals(rowsOf(input(id)), exported.get(id), "agency " + id + "'s bets, once each, in order");
        }
        assertEquals(agencies, exported.size());
        assertEquals(1, query(url, "SELECT count(*) FROM lottery WHERE drawn_at IS NOT NULL"));
    }

    /** {@code java -jar lottery-server.jar export --out FILE} on the database at {@code url}. */
    private void export(String url, Path out) throws Exception {
        Launch launch = Launch.jar(Path.of(System.getProperty("lottery.serverJar")), "export", "--out", out.toString());
        try (JarProcess export = JarProcess.start(launch, database(url), dir.resolve("export"),
                dir.resolve("export.log"))) {
            assertEquals(0, export.awaitExit(START), String.join("\n", export.lines()));
        }
    }

    private static long query(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
             Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void assertOneDrawLine(JarProcess central) {
        assertEquals(1, central.lines().stream().filter(l -> l.contains("action: sorteo | result: success")).count(),
                tail(central.lines()));
    }

    private static void stop(List<JarProcess> centrals) throws Exception {
        for (JarProcess central : centrals) {
            central.terminate();
        }
        for (JarProcess central : centrals) {
            assertEquals(0, central.awaitExit(START), tail(central.lines()));
        }
    }

    /** Waits until the database holds at least {@code bets} bets. */
    private static void awaitStored(String url, long bets) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (query(url, "SELECT count(*) FROM bets") < bets) {
            assertTrue(System.nanoTime() < deadline, "the ingest did not reach " + bets + " bets");
            Thread.sleep(20);
        }
    }

    /**
     * Stops {@code central} (SIGSTOP) at a moment when its storage session on the database at {@code url} is inside
     * a transaction, the worst moment: it then holds the lottery's advisory lock (every group takes it shared) and
     * its agencies', which the other central's FINISH and draw need. Stopped, then looked at, and let go on for a
     * moment and stopped again until a central's storage session has had a transaction open for longer than a group
     * takes.
     */
    private static void stopInsideATransaction(JarProcess central, String url) throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            signal(central, "STOP");
            Thread.sleep(300);
            if (query(url, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'lottery-central storage'"
                    + " AND xact_start < now() - interval '250 milliseconds'") == 1) {
                return;
            }
            signal(central, "CONT");
            Thread.sleep(50);
        }
        fail("the central could not be stopped inside a transaction");
    }

    /** Sends {@code SIGname} to {@code process} with kill(1). */
    private static void signal(JarProcess process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name);
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }

    @Test
    void threeCentralsAndThirtyAgenciesMakeOneLotteryWithOneDraw() throws Exception {
        // given: three centrals on one database, thirty agencies that each know all three
        int agencies = 30;
        generate(agencies, 400, 31);
        String url = TestPostgres.shared().newDatabase();
        List<JarProcess> centrals = centrals(3, agencies, url);
        List<String> addresses = addresses(centrals);
        String list = String.join(",", addresses);

        // when
        List<JarProcess> running = new ArrayList<>();
        for (int id = 1; id <= agencies; id++) {
            running.add(agency(id, list, 25, "agency-" + id));
        }

        // then: every agency its own winners, each from the central its id starts it at
        for (int id = 1; id <= agencies; id++) {
            assertWinners(running.get(id - 1), input(id));
            String first = addresses.get((id - 1) % 3);
            assertTrue(running.get(id - 1).lines().stream()
                    .anyMatch(l -> l.contains("action: connect | result: success | server_address: " + first)),
                    "agency " + id + " starts at entry " + (id - 1) % 3);
        }
        assertStoredExactlyOnce(url, agencies);
        for (JarProcess central : centrals) {
            assertOneDrawLine(central);
            assertTrue(central.lines().stream().anyMatch(l -> l.contains("action: apuesta_recibida | result: success")),
                    "every central took bets");
        }
        stop(centrals);
    }

    @Test
    void aCentralKilledMidIngestLosesNothingItsAgenciesMoveOnAndFinish() throws Exception {
        // given: three centrals, six agencies sending small batches
        int agencies = 6;
        generate(agencies, 3_000, 32);
        String url = TestPostgres.shared().newDatabase();
        List<JarProcess> centrals = centrals(3, agencies, url);
        List<String> addresses = addresses(centrals);
        List<JarProcess> running = new ArrayList<>();
        for (int id = 1; id <= agencies; id++) {
            running.add(agency(id, String.join(",", addresses), 2, "agency-" + id));
        }
        awaitStored(url, agencies * 3_000L / 5);

        // when: the first central is killed outright
        JarProcess killed = centrals.get(0);
        killed.close();
        assertEquals(137, killed.awaitExit(START));
        long atKill = query(url, "SELECT count(*) FROM bets");
        assertTrue(atKill < agencies * 3_000L, "killed in the middle of the ingest: " + atKill);

        // then: agencies 1 and 4, which started there, move on; everybody finishes with exactly its winners
        for (int id = 1; id <= agencies; id++) {
            assertWinners(running.get(id - 1), input(id));
        }
        for (int id : new int[] {1, 4}) {
            List<String> log = running.get(id - 1).lines();
            assertTrue(log.stream().anyMatch(l -> l.contains("action: connect | result: success | server_address: ")
                    && !l.endsWith(addresses.get(0))), "agency " + id + " moved to another central:\n" + tail(log));
        }
        assertStoredExactlyOnce(url, agencies);
        assertOneDrawLine(centrals.get(1));
        assertOneDrawLine(centrals.get(2));
        stop(centrals.subList(1, 3));
    }

    @Test
    void aCentralStoppedMidIngestIsLeftByItsAgenciesForTheOtherOneAndTheyFinish() throws Exception {
        // given: two centrals; agency 1 sends its bets to the first in large batches and waits there for the draw,
        // then agency 3 streams to the first and agency 2 to the second, in batches of two
        int agencies = 3;
        generate(agencies, 10_000, 36);
        String url = TestPostgres.shared().newDatabase();
        List<JarProcess> centrals = centrals(2, agencies, url);
        List<String> addresses = addresses(centrals);
        String list = String.join(",", addresses);
        JarProcess waiting = agency(1, list, 100, "agency-1");
        waiting.awaitLog("action: consulta_ganadores \\| result: in_progress", RUN);
        JarProcess streaming = agency(3, list, 2, "agency-3");
        JarProcess other = agency(2, list, 2, "agency-2");
        long deadline = System.nanoTime() + RUN.toNanos();
        while (query(url, "SELECT count(*) FROM bets WHERE agency = 3") < 1_000) {
            assertTrue(System.nanoTime() < deadline, "agency 3's ingest did not start");
            Thread.sleep(20);
        }

        // when: the first central stops (its process frozen, its connections open, the kernel still answering TCP)
        // in the middle of a database transaction, with the lottery's locks held
        JarProcess stopped = centrals.get(0);
        stopInsideATransaction(stopped, url);
        try {
            assertTrue(query(url, "SELECT count(*) FROM bets WHERE agency = 3") < 10_000, "stopped mid-ingest");

            // then: agency 1's probe and agency 3's batch go unanswered, both say so and move to the second
            // central; everybody finishes with exactly its winners, every bet stored once
            for (int id = 1; id <= agencies; id++) {
                assertWinners(List.of(waiting, other, streaming).get(id - 1), input(id));
            }
            String first = addresses.get(0);
            String second = addresses.get(1);
            for (JarProcess agency : List.of(waiting, streaming)) {
                List<String> log = agency.lines();
                String unanswered = agency == waiting ? "FINISH" : "BETS";
                assertTrue(log.stream().anyMatch(l -> l.endsWith("action: sin_respuesta | result: in_progress | "
                        + "server_address: " + first + " | mensaje: " + unanswered + " | timeout_ms: 5000")),
                        tail(log));
                assertTrue(log.stream().anyMatch(l -> l.endsWith("action: connect | result: success | "
                        + "server_address: " + second)), tail(log));
            }
            assertStoredExactlyOnce(url, agencies);
            assertOneDrawLine(centrals.get(1));
            // the second central ended the frozen one's session, whose locks held its FINISHes and the draw
            assertTrue(centrals.get(1).lines().stream().anyMatch(l -> l.contains(
                    "action: cortar_central_colgada | result: success")), tail(centrals.get(1).lines()));
        } finally {
            signal(stopped, "CONT");
        }
        stop(centrals);
    }

    @Test
    void oneAgencyConnectedToTwoCentralsAtOnceStoresEachBetOnce() throws Exception {
        // given: two centrals, and agency 1 started twice, once at each, both sending the same bets in the same
        // batches (a batch that straddles the other's would be refused as out of sequence, whole)
        generate(1, 4_000, 33);
        String url = TestPostgres.shared().newDatabase();
        List<JarProcess> centrals = centrals(2, 1, url);
        List<String> addresses = addresses(centrals);

        // when
        JarProcess atFirst = agency(1, addresses.get(0), 5, "agency-1-a");
        JarProcess atSecond = agency(1, addresses.get(1), 5, "agency-1-b");

        // then: both finish with the agency's winners, and each bet is stored once
        assertWinners(atFirst, input(1));
        assertWinners(atSecond, input(1));
        assertStoredExactlyOnce(url, 1);
        stop(centrals);
    }

    @Test
    void theDatabaseRestartedMidRunLosesNothingAndEverybodyFinishes() throws Exception {
        try (TestPostgres own = TestPostgres.start()) {
            // given: two centrals on a database server of this test's own, four agencies in small batches
            int agencies = 4;
            generate(agencies, 3_000, 34);
            String url = own.newDatabase();
            List<JarProcess> centrals = centrals(2, agencies, url);
            List<String> addresses = addresses(centrals);
            List<JarProcess> running = new ArrayList<>();
            for (int id = 1; id <= agencies; id++) {
                running.add(agency(id, addresses.get((id - 1) % 2), 2, "agency-" + id));
            }
            awaitStored(url, agencies * 3_000L / 5);

            // when: the database goes down (a crash: no checkpoint) and comes back two seconds later
            own.kill();
            Thread.sleep(2_000);
            own.restart();

            // then: the centrals said so, reconnected by themselves, and everybody finished
            for (int id = 1; id <= agencies; id++) {
                assertWinners(running.get(id - 1), input(id));
            }
            for (JarProcess central : centrals) {
                List<String> log = central.lines();
                assertTrue(log.stream().anyMatch(l -> l.contains("action: base_de_datos | result: fail")), tail(log));
                assertOneDrawLine(central);
            }
            assertStoredExactlyOnce(url, agencies);
            stop(centrals);
        }
    }

    @Test
    void theExportOfTheDatabaseIsWhatTheCsvStoreWritesForTheSameInput() throws Exception {
        // given: the same three agencies sent once to a central on the CSV file and once to one on the database
        int agencies = 3;
        generate(agencies, 2_000, 35);
        JarProcess onFile = composition.server(agencies, Map.of(), "central-csv.log");
        String fileAddress = "127.0.0.1:" + awaitPort(onFile);
        String url = TestPostgres.shared().newDatabase();
        JarProcess onDatabase = centrals(1, agencies, url).get(0);
        String databaseAddress = addresses(List.of(onDatabase)).get(0);
        List<JarProcess> running = new ArrayList<>();
        for (int id = 1; id <= agencies; id++) {
            running.add(agency(id, fileAddress, 7, "agency-csv-" + id));
            running.add(agency(id, databaseAddress, 7, "agency-db-" + id));
        }
        for (JarProcess agency : running) {
            assertEquals(0, agency.awaitExit(RUN), tail(agency.lines()));
        }
        stop(List.of(onFile, onDatabase));

        // when
        Path out = dir.resolve("export.csv");
        export(url, out);

        // then: row for row, per agency, the same bytes as the CSV store
        assertEquals(byAgency(Files.readString(dir.resolve("central/bets.csv"), StandardCharsets.UTF_8)),
                byAgency(Files.readString(out, StandardCharsets.UTF_8)));
        assertTrue(Files.readString(out, StandardCharsets.UTF_8).endsWith("\r\n"));
    }

    /** CSV rows (no quoted line breaks here) grouped by their agency field, each kept whole, CRLF included. */
    private static Map<String, List<String>> byAgency(String csv) {
        Map<String, List<String>> rows = new HashMap<>();
        for (String row : csv.split("(?<=\r\n)")) {
            rows.computeIfAbsent(row.substring(0, row.indexOf(',')), a -> new ArrayList<>()).add(row);
        }
        return rows;
    }
}
