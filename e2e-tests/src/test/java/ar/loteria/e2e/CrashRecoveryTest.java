package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ar.loteria.e2e.Composition.awaitPort;
import static ar.loteria.e2e.Composition.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The central jar stopped in the middle of an ingest, by SIGKILL or by SIGTERM, and started again on the same
 * file and port while the agency jars keep running. Every bet an agency saw acknowledged must be in the file when
 * the central goes down; a half-written last row is cut at the next start, with a log line; the agencies reconnect,
 * resume where WELCOME says, and end with exit 0 and their exact winners; the store ends with each agency's bets
 * exactly once, in its order, and the draw happens once.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {

    private static final int AGENCIES = 4;
    private static final int BETS = 5_000;
    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration RUN = Duration.ofSeconds(45);
    /** Batch sizes per agency: small, so the ingest lasts long enough to be cut in the middle. */
    private static final int[] BATCH = {1, 2, 3, 1};
    private static final Pattern ACK = Pattern.compile("action: batch_ack \\| result: success \\| first: (\\d+) \\| "
            + "cantidad: (\\d+)");
    private static final Pattern HELLO = Pattern.compile("action: hello \\| result: success \\| client_id: \\d+ \\| "
            + "stored: (\\d+)");
    private static final Pattern RECEIVED = Pattern.compile("action: apuesta_recibida \\| result: success \\| "
            + "cantidad: (\\d+)");

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private Path store() {
        return dir.resolve("central/bets.csv");
    }

    private JarProcess server(String port, String logName) throws IOException {
        return composition.server(AGENCIES, Map.of("SERVER_PORT", port), logName);
    }

    private List<JarProcess> agencies(String port) throws IOException {
        List<JarProcess> agencies = new ArrayList<>();
        for (int id = 1; id <= AGENCIES; id++) {
            Map<String, String> env = Map.of("CLI_DATA_FILE", input(id).toString(),
                    "CLI_BATCH_MAXAMOUNT", String.valueOf(BATCH[id - 1]),
                    // DEBUG shows every BATCH_ACK the agency received
                    "CLI_LOG_LEVEL", "DEBUG");
            agencies.add(composition.agency(id, "127.0.0.1:" + port, env));
        }
        return agencies;
    }

    private Path input(int id) {
        return dir.resolve("data/agency-" + id + ".csv");
    }

    private void generate(long seed) throws IOException, InterruptedException {
        composition.generate(dir.resolve("data"), AGENCIES, BETS, 6, seed, true);
        for (int id = 1; id <= AGENCIES; id++) {
            // the checks below read rows line by line, which is exact only without quoted fields
            assertFalse(Files.readString(input(id), StandardCharsets.UTF_8).contains("\""));
        }
    }

    /**
     * Waits until every agency is connected and the store holds at least {@code rows} rows; the ingest must still be
     * going on then. (On a busy machine an agency's JVM may start late: the stop must find every agency connected,
     * or the test would not be about agencies losing their central.)
     */
    private void awaitIngestUnderWay(List<JarProcess> agencies, int rows) throws IOException, InterruptedException {
        for (JarProcess agency : agencies) {
            agency.awaitLog("action: connect \\| result: success", RUN);
        }
        long deadline = System.nanoTime() + RUN.toNanos();
        while (storedRows().size() < rows) {
            assertTrue(System.nanoTime() < deadline, "the ingest did not reach " + rows + " rows");
            Thread.sleep(20);
        }
    }

    @Test
    void sigkillMidIngestLosesNoAcknowledgedBetAndTheRestartRepairsAndFinishes() throws Exception {
        // given: four agencies streaming 5,000 bets each in batches of 1 to 3
        generate(21);
        JarProcess first = server("0", "central-1.log");
        String port = awaitPort(first);
        List<JarProcess> agencies = agencies(port);
        awaitIngestUnderWay(agencies, AGENCIES * BETS / 5);

        // when: the central is killed outright
        first.close();
        assertEquals(137, first.awaitExit(START), "killed by SIGKILL");
        Map<Integer, List<String>> atKill = storedByAgency();
        assertTrue(total(atKill) < AGENCIES * BETS, "killed in the middle of the ingest: " + total(atKill));
        System.out.println("CrashRecoveryTest: SIGKILL with " + total(atKill) + " of " + AGENCIES * BETS
                + " rows stored");
        // and the last write was torn: half a row, inside a quoted field
        byte[] torn = "2,\"Half, writ".getBytes(StandardCharsets.UTF_8);
        Files.write(store(), torn, StandardOpenOption.APPEND);
        JarProcess second = server(port, "central-2.log");

        // then: the restart cuts exactly the torn bytes and says so
        assertEquals(String.valueOf(torn.length), second.awaitLog(
                "action: reparar_almacen \\| result: success \\| file: .* \\| bytes_cortados: (\\d+)", START));
        assertRunCompletes(agencies, atKill, second);
        assertEquals(0, first.lines().stream().filter(l -> l.contains("action: sorteo")).count());
    }

    @Test
    void sigtermMidIngestExitsZeroOnAWholeRowAndTheRestartFinishes() throws Exception {
        // given
        generate(22);
        JarProcess first = server("0", "central-1.log");
        String port = awaitPort(first);
        List<JarProcess> agencies = agencies(port);
        awaitIngestUnderWay(agencies, AGENCIES * BETS / 5);

        // when: the central is stopped as docker stop does
        first.terminate();

        // then: it exits 0, logging the shutdown, with the file ending on a whole row
        assertEquals(0, first.awaitExit(START), String.join("\n", tail(first.lines())));
        List<String> firstLog = first.lines();
        assertTrue(firstLog.get(firstLog.size() - 1).endsWith("action: shutdown | result: success"),
                firstLog.get(firstLog.size() - 1));
        assertTrue(Files.readString(store(), StandardCharsets.UTF_8).endsWith("\r\n"), "the file ends on a whole row");
        Map<Integer, List<String>> atStop = storedByAgency();
        assertTrue(total(atStop) < AGENCIES * BETS, "stopped in the middle of the ingest: " + total(atStop));
        System.out.println("CrashRecoveryTest: SIGTERM with " + total(atStop) + " of " + AGENCIES * BETS
                + " rows stored");
        // every batch the first central logged is in the file, and nothing else
        assertEquals(total(atStop), received(firstLog));

        // and after a restart on the same file and port, which needs no repair, the run completes
        JarProcess second = server(port, "central-2.log");
        awaitPort(second);
        assertRunCompletes(agencies, atStop, second);
        assertTrue(second.lines().stream().noneMatch(l -> l.contains("reparar_almacen")));
        assertEquals(AGENCIES * BETS, received(firstLog) + received(second.lines()),
                "cantidad values of both centrals add up to the bets sent");
    }

    /**
     * The agencies, still running, finish against the restarted central; checks what they saw acknowledged
     * before the stop against {@code atStop}, the rows the file held when the first central went down.
     */
    private void assertRunCompletes(List<JarProcess> agencies, Map<Integer, List<String>> atStop, JarProcess second)
            throws Exception {
        for (int id = 1; id <= AGENCIES; id++) {
            JarProcess agency = agencies.get(id - 1);
            assertEquals(0, agency.awaitExit(RUN), String.join("\n", tail(agency.lines())));
            List<String> log = agency.lines();
            String winners = "action: consulta_ganadores | result: success | cant_ganadores: " + winnersIn(input(id));
            assertTrue(log.stream().anyMatch(l -> l.endsWith(winners)), "agency " + id + ": " + tail(log));
            assertTrue(log.stream().anyMatch(l -> l.contains("action: reconnect | result: in_progress")),
                    "agency " + id + " lost its connection to the stopped central");

            // every bet acknowledged before the stop was in the file, and WELCOME after it said so
            long acknowledged = 0;
            List<Long> welcomes = new ArrayList<>();
            for (String line : log) {
                Matcher ack = ACK.matcher(line);
                Matcher hello = HELLO.matcher(line);
                if (ack.find() && welcomes.size() == 1) {
                    acknowledged = Math.max(acknowledged, Long.parseLong(ack.group(1)) + Long.parseLong(ack.group(2)));
                } else if (hello.find()) {
                    welcomes.add(Long.parseLong(hello.group(1)));
                }
            }
            long stored = atStop.getOrDefault(id, List.of()).size();
            assertEquals(0, welcomes.get(0), "agency " + id + " started from nothing");
            assertTrue(acknowledged <= stored, "agency " + id + ": " + acknowledged + " bets acknowledged, "
                    + stored + " in the file");
            assertEquals(stored, welcomes.get(1), "agency " + id + " resumed where the file ended");
        }

        // the restarted central drew once, and its store holds each agency's input exactly once, in order
        assertEquals(1, second.lines().stream().filter(l -> l.contains("action: sorteo | result: success")).count());
        Map<Integer, List<String>> stored = storedByAgency();
        for (int id = 1; id <= AGENCIES; id++) {
            assertEquals(rowsOf(input(id)), stored.get(id), "rows of agency " + id);
        }
        assertTrue(Files.readString(store(), StandardCharsets.UTF_8).endsWith("\r\n"));
        second.terminate();
        assertEquals(0, second.awaitExit(START));
    }

    /** Whole rows of the store (a torn last row left out), line by line. */
    private List<String> storedRows() throws IOException {
        String text = Files.readString(store(), StandardCharsets.UTF_8);
        int end = text.lastIndexOf("\r\n");
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\r\n", -1));
    }

    /** The store's rows per agency, agency field removed, in file order. */
    private Map<Integer, List<String>> storedByAgency() throws IOException {
        Map<Integer, List<String>> rows = new HashMap<>();
        for (String row : storedRows()) {
            int comma = row.indexOf(',');
            rows.computeIfAbsent(Integer.parseInt(row.substring(0, comma)), a -> new ArrayList<>())
                    .add(row.substring(comma + 1));
        }
        return rows;
    }

    private static int total(Map<Integer, List<String>> rows) {
        return rows.values().stream().mapToInt(List::size).sum();
    }

    private static long received(List<String> log) {
        long total = 0;
        for (String line : log) {
            Matcher batch = RECEIVED.matcher(line);
            if (batch.find()) {
                total += Long.parseLong(batch.group(1));
            }
        }
        return total;
    }

    private static long winnersIn(Path file) throws IOException {
        return rowsOf(file).stream().filter(row -> row.endsWith(",7574")).count();
    }

    private static List<String> tail(List<String> log) {
        return log.subList(Math.max(0, log.size() - 30), log.size());
    }
}
