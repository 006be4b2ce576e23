package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import ar.loteria.launch.Launch;
import ar.loteria.testkit.TestPostgres;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.e2e.Composition.awaitPort;
import static ar.loteria.e2e.Composition.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The close of betting with the real jars (issue 23): a draw that no missing agency holds back. An agency killed
 * mid-stream and never back before the close, an agency that never comes, a central killed at the close, a central
 * restarted after it: every time the draw comes at the close, within a second, every agency (the killed one too,
 * when it comes back after the close) gets exactly the winners among its stored bets, and nothing is stored after the
 * close.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CloseOfBettingTest {

    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(90);
    /** How far ahead of the central's start betting closes: room for the jars to start on a busy machine. */
    private static final Duration AHEAD = Duration.ofSeconds(8);
    private static final String AGENCY_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m";

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private Path input(int id) {
        return dir.resolve("data/agency-" + id + ".csv");
    }

    /** Agencies 1..4 with a few bets each, agency 5 with many, to be caught mid-stream. */
    private void generate() throws Exception {
        composition.generate(dir.resolve("data"), 4, 1_500, 3, 23, true);
        composition.generate(dir.resolve("big"), 1, 60_000, 600, 24, true);
        Files.move(dir.resolve("big/agency-1.csv"), input(5));
    }

    private JarProcess agency(int id, String address, int batch, String name) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("CLI_ID", String.valueOf(id), "CLI_SERVER_ADDRESS", address,
                "CLI_DATA_FILE", input(id).toString(), "CLI_BATCH_MAXAMOUNT", String.valueOf(batch),
                "JAVA_TOOL_OPTIONS", AGENCY_JVM));
        return composition.client(name, env);
    }

    /** The agency's winners among its first {@code stored} input rows. */
    private long winnersAmong(int id, int stored) throws IOException {
        return rowsOf(input(id)).subList(0, stored).stream().filter(row -> row.endsWith(",7574")).count();
    }

    private static void assertExitsWithWinners(JarProcess agency, long winners) throws Exception {
        assertEquals(0, agency.awaitExit(RUN), tail(agency.lines()));
        assertWinners(agency, winners);
    }

    private static void assertWinners(JarProcess agency, long winners) {
        String line = "action: consulta_ganadores | result: success | cant_ganadores: " + winners;
        assertTrue(agency.lines().stream().anyMatch(l -> l.endsWith(line)), line + " in:\n" + tail(agency.lines()));
    }

    /** Waits for the agency to exit 0, then checks it was told exactly the winners among its bets in {@code store}. */
    private void assertExitsWithItsStoredWinners(JarProcess agency, int id, Path store) throws Exception {
        assertEquals(0, agency.awaitExit(RUN), tail(agency.lines()));
        assertWinners(agency, winnersAmong(id, storedPrefix(store, id)));
    }

    /** Waits until the central's log says betting closed; returns when the test saw it. */
    private static Instant awaitClose(JarProcess central) throws InterruptedException {
        central.awaitLog("action: cierre_apuestas \\| result: success", AHEAD.plus(START));
        return Instant.now();
    }

    /** Rows of {@code agency} in a store or an export, without the agency's prefix. */
    private static List<String> rowsOfAgency(Path file, int agency) throws IOException {
        String prefix = agency + ",";
        return rowsOf(file).stream().filter(row -> row.startsWith(prefix)).map(row -> row.substring(prefix.length()))
                .toList();
    }

    /** How many of the agency's bets the store holds, checked to be the first ones of its input, in order. */
    private int storedPrefix(Path store, int agency) throws IOException {
        List<String> stored = rowsOfAgency(store, agency);
        assertEquals(rowsOf(input(agency)).subList(0, stored.size()), stored, "agency " + agency + "'s stored bets");
        return stored.size();
    }

    private static void awaitRows(Path file, int agency, int rows) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!Files.exists(file) || rowsOfAgency(file, agency).size() < rows) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + rows + " rows of agency " + agency);
            Thread.sleep(50);
        }
    }

    private static void kill(JarProcess process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -KILL");
        process.awaitExit(START);
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }

    @Test
    void anAgencyKilledMidStreamDoesNotHoldTheDrawBackAndGetsItsWinnersWhenItComesBack() throws Exception {
        // given: five agencies; betting closes a few seconds after the central starts; agency 5 streams one bet a
        // batch and is killed (SIGKILL) mid-stream, the other four send everything and wait for the draw
        generate();
        Instant closesAt = Instant.now().plus(AHEAD).truncatedTo(ChronoUnit.SECONDS);
        JarProcess central = composition.server(5, Map.of("DRAW_AT", closesAt.toString()));
        String address = "127.0.0.1:" + awaitPort(central);
        Path store = dir.resolve("central/bets.csv");
        JarProcess streaming = agency(5, address, 1, "agency-5");
        awaitRows(store, 5, 300);
        kill(streaming);
        List<JarProcess> others = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            others.add(agency(id, address, 100, "agency-" + id));
        }

        // when: the close comes
        Instant seen = awaitClose(central);

        // then: the draw came at the close, within a second (the test saw the line a little after), and each of
        // the four got exactly the winners among its stored bets (all of them, unless a slow machine left one
        // still sending at the close)
        int atClose = rowsOf(store).size();
        assertTrue(!seen.isBefore(closesAt) && seen.isBefore(closesAt.plusSeconds(1)),
                "betting closed at " + seen + " for DRAW_AT " + closesAt);
        central.awaitLog("action: agencia_sin_finalizar \\| result: success \\| agency: 5", START);
        for (int id = 1; id <= 4; id++) {
            assertExitsWithItsStoredWinners(others.get(id - 1), id, store);
        }
        int stored = storedPrefix(store, 5);
        assertTrue(stored >= 300 && stored < 60_000, stored + " bets of agency 5 stored");

        // and when agency 5 comes back after the close: refused new bets, it finishes with what is stored
        JarProcess back = agency(5, address, 100, "agency-5-again");
        assertExitsWithWinners(back, winnersAmong(5, stored));
        assertTrue(back.lines().stream().anyMatch(l -> l.endsWith("action: apuestas_cerradas | result: success | "
                + "apuestas_almacenadas: " + stored + " | apuestas_no_enviadas: " + (60_000 - stored))),
                tail(back.lines()));
        // nothing was stored after the close
        assertEquals(atClose, rowsOf(store).size());
        assertEquals(1, central.lines().stream().filter(l -> l.contains("action: sorteo | result: success")).count());
        central.terminate();
        assertEquals(0, central.awaitExit(START));
    }

    @Test
    void threeCentralsOnPostgresqlDrawAtTheCloseWhenOneIsKilledAtIt() throws Exception {
        // given: three centrals of one lottery on PostgreSQL, betting closes a few seconds after they start;
        // agency 5 is killed mid-stream, the other four finish; every agency knows every central
        generate();
        String url = TestPostgres.shared().newDatabase();
        // Three centrals start, and agency 5 stores a batch a transaction: more room before the close
        Instant closesAt = Instant.now().plus(AHEAD.multipliedBy(2)).truncatedTo(ChronoUnit.SECONDS);
        Map<String, String> env = Map.of("STORAGE_URL", url, "STORAGE_USER", TestPostgres.USER, "STORAGE_PASSWORD",
                TestPostgres.PASSWORD, "DRAW_AT", closesAt.toString());
        List<JarProcess> centrals = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            centrals.add(composition.server(5, env, "central-" + i + ".log"));
        }
        for (JarProcess central : centrals) {
            addresses.add("127.0.0.1:" + awaitPort(central));
        }
        String list = String.join(",", addresses);
        JarProcess streaming = agency(5, list, 1, "agency-5");
        awaitStored(url, 5, 100);
        kill(streaming);
        List<JarProcess> others = new ArrayList<>();
        for (int id = 1; id <= 4; id++) {
            others.add(agency(id, list, 100, "agency-" + id));
        }

        // when: central 2 is killed at the close
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), closesAt).toMillis()));
        kill(centrals.get(1));

        // then: the others draw at the close, each logs it once; every agency gets exactly its winners
        for (int i : new int[] {0, 2}) {
            Instant seen = awaitClose(centrals.get(i));
            assertTrue(seen.isBefore(closesAt.plusSeconds(1)), "central " + (i + 1) + " logged the close at "
                    + seen + " for DRAW_AT " + closesAt);
        }
        Path export = dir.resolve("export.csv");
        exportTo(url, export);
        List<String> atClose = rowsOf(export);
        for (int id = 1; id <= 4; id++) {
            assertExitsWithItsStoredWinners(others.get(id - 1), id, export);
        }
        int stored = storedPrefix(export, 5);
        assertTrue(stored >= 100 && stored < 60_000, stored + " bets of agency 5 stored");
        JarProcess back = agency(5, list, 100, "agency-5-again");
        assertExitsWithWinners(back, winnersAmong(5, stored));
        // each bet once, in its agency's order (storedPrefix), and nothing stored after the close
        exportTo(url, export);
        assertEquals(atClose, rowsOf(export));
        for (int i : new int[] {0, 2}) {
            assertEquals(1, centrals.get(i).lines().stream()
                    .filter(l -> l.contains("action: sorteo | result: success")).count());
            centrals.get(i).terminate();
            assertEquals(0, centrals.get(i).awaitExit(START));
        }
    }

    @Test
    void aCentralRestartedAfterTheCloseDrawsAtStartWithTheSameWinners() throws Exception {
        // given: a lottery of three agencies that closed with two of them done and one never seen
        composition.generate(dir.resolve("data"), 2, 2_000, 4, 31, true);
        Instant closesAt = Instant.now().plus(AHEAD).truncatedTo(ChronoUnit.SECONDS);
        JarProcess central = composition.server(3, Map.of("DRAW_AT", closesAt.toString()));
        String address = "127.0.0.1:" + awaitPort(central);
        Path store = dir.resolve("central/bets.csv");
        List<JarProcess> agencies = List.of(agency(1, address, 50, "agency-1"), agency(2, address, 50, "agency-2"));
        for (int id = 1; id <= 2; id++) {
            assertExitsWithItsStoredWinners(agencies.get(id - 1), id, store);
        }
        central.awaitLog("action: cierre_apuestas .*agencias_sin_conectar: 1", START);
        int stored = rowsOf(store).size();
        central.terminate();
        assertEquals(0, central.awaitExit(START));

        // when: the central starts again on the same store, without the setting that closed it
        JarProcess restarted = composition.server(3, Map.of(), "central-again.log");
        String again = "127.0.0.1:" + awaitPort(restarted);

        // then: it knows betting closed, draws at start, and an agency asking again gets the same winners
        restarted.awaitLog("action: restaurar_cierre \\| result: success", START);
        restarted.awaitLog("action: sorteo \\| result: success", START);
        assertExitsWithItsStoredWinners(agency(1, again, 50, "agency-1-again"), 1, store);
        assertEquals(stored, rowsOf(store).size());
        restarted.terminate();
        assertEquals(0, restarted.awaitExit(START));
    }

    @Test
    void betsCloseSecondsAfterTheFirstFinishWithAnAgencyThatNeverConnects() throws Exception {
        // given: a lottery of three agencies that closes 3 s after its first FINISH; agency 3 never comes
        composition.generate(dir.resolve("data"), 2, 2_000, 4, 37, true);
        JarProcess central = composition.server(3, Map.of("DRAW_AFTER_SECONDS", "3"));
        String address = "127.0.0.1:" + awaitPort(central);

        // when
        JarProcess first = agency(1, address, 50, "agency-1");
        JarProcess second = agency(2, address, 50, "agency-2");

        // then: both get the winners among their stored bets after the close (all of them, unless a slow machine
        // left agency 2 still sending then); the central counts the one it never saw
        Path store = dir.resolve("central/bets.csv");
        assertExitsWithItsStoredWinners(first, 1, store);
        assertExitsWithItsStoredWinners(second, 2, store);
        String close = central.awaitLog("(action: cierre_apuestas .*)", START);
        assertTrue(close.endsWith(" | agencias_sin_conectar: 1"), close);
        central.terminate();
        assertEquals(0, central.awaitExit(START));
    }

    /** Waits until the lottery's database holds {@code rows} bets of {@code agency}. */
    private static void awaitStored(String url, int agency, int rows) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (true) {
            try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
                 Statement statement = connection.createStatement();
                 ResultSet count = statement.executeQuery("SELECT count(*) FROM bets WHERE agency = " + agency)) {
                count.next();
                if (count.getLong(1) >= rows) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "fewer than " + rows + " rows of agency " + agency);
            Thread.sleep(50);
        }
    }

    /** The lottery's bets as the course's bets.csv, through the server jar's export command. */
    private void exportTo(String url, Path out) throws Exception {
        Launch launch = Launch.jar(Path.of(System.getProperty("lottery.serverJar")), "export", "--out", out.toString());
        try (JarProcess export = JarProcess.start(launch, Map.of("STORAGE_URL", url, "STORAGE_USER", TestPostgres.USER,
                "STORAGE_PASSWORD", TestPostgres.PASSWORD), dir.resolve("export"), dir.resolve("export.log"))) {
            assertEquals(0, export.awaitExit(START), tail(export.lines()));
        }
    }
}
