package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The contract, checked from outside: the real server jar and real agency jars as processes on loopback, on
 * generated data, judged only by their log lines, exit codes and the stored file.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalCompositionTest {

    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Pattern LOG_LINE =
            Pattern.compile("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO|WARN|ERROR) +\\S.*");
    private static final Pattern OPERATION =
            Pattern.compile("action: [^|:]+ \\| result: (success|fail|in_progress)( \\| [^|:]+: [^|]*)*");

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private JarProcess agency(int id, String port, Map<String, String> extraEnv) throws IOException {
        return composition.agency(id, "127.0.0.1:" + port, extraEnv);
    }

    @Test
    void agenciesGetTheirWinnersAndTheCentralKeepsTheContract() throws Exception {
        // given: three agencies, two with CRLF files, one with LF, one reading its settings from config.yaml
        composition.generate(dir.resolve("crlf"), 3, 3_000, 4, 11, true);
        composition.generate(dir.resolve("lf"), 3, 2_500, 2, 12, false);
        Map<Integer, Path> files = Map.of(1, dir.resolve("crlf/agency-1.csv"), 2, dir.resolve("lf/agency-2.csv"),
                3, dir.resolve("crlf/agency-3.csv"));
        Files.createDirectories(dir.resolve("agency-3"));
        Files.writeString(dir.resolve("agency-3/config.yaml"), """
                server:
                  address: "server:12345"
                loop:
                  amount: 5
                  period: "100ms"
                log:
                  level: "INFO"
                batch:
                  maxAmount: 7
                """);
        JarProcess server = composition.server(3, Map.of());
        String port = awaitPort(server);

        // when
        List<JarProcess> agencies = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            Map<String, String> env = new HashMap<>(Map.of("CLI_DATA_FILE", files.get(id).toString()));
            if (id != 3) {
                env.put("CLI_BATCH_MAXAMOUNT", "50");
            }
            agencies.add(agency(id, port, env));
        }

        // then: every agency exits 0 having logged exactly its own winners
        for (int id = 1; id <= 3; id++) {
            JarProcess agency = agencies.get(id - 1);
            assertEquals(0, agency.awaitExit(RUN), String.join("\n", agency.lines()));
            List<String> log = agency.lines();
            String winnersLine = "action: consulta_ganadores | result: success | cant_ganadores: "
                    + winnersIn(files.get(id)).size();
            assertTrue(log.stream().anyMatch(l -> l.endsWith(winnersLine)), String.join("\n", log));
            assertWellFormed(log);
        }
        assertTrue(agencies.get(2).lines().get(0).endsWith("action: config | result: success | client_id: 3 | "
                + "server_address: 127.0.0.1:" + port + " | loop_amount: 5 | loop_period: 100ms | log_level: INFO | "
                + "batch_max_amount: 7"), agencies.get(2).lines().get(0));

        // and the central stops on SIGTERM with exit code 0 and a contract-shaped log
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        List<String> log = server.lines();
        assertWellFormed(log);
        assertTrue(log.get(0).contains("action: config | result: success | port: 0 | listen_backlog: 5 | "
                + "logging_level: INFO | agencies: 3"), log.get(0));
        assertTrue(log.get(1).contains("action: accept_connections | result: in_progress"), log.get(1));
        int draw = indexOf(log, "action: sorteo | result: success");
        assertEquals(1, log.stream().filter(l -> l.contains("sorteo")).count(), "one draw line, and only one");
        long total = 0;
        for (int i = 0; i < log.size(); i++) {
            Matcher batch = Pattern.compile("action: apuesta_recibida \\| result: success \\| cantidad: (\\d+)")
                    .matcher(log.get(i));
            if (batch.find()) {
                assertTrue(i < draw, "batch line after the draw: " + log.get(i));
                total += Long.parseLong(batch.group(1));
            }
        }
        long sent = 0;
        for (Path file : files.values()) {
            sent += rowsOf(file).size();
        }
        assertEquals(sent, total, "cantidad values add up to the bets received");
        assertTrue(log.get(log.size() - 1).endsWith("action: shutdown | result: success"), log.get(log.size() - 1));

        // and the store holds every agency's bets, in its order, as agency,first,last,document,birthdate,number
        List<String> stored = Files.readAllLines(dir.resolve("central/bets.csv"), StandardCharsets.UTF_8);
        assertEquals(sent, stored.size());
        for (int id = 1; id <= 3; id++) {
            String prefix = id + ",";
            List<String> ofAgency = stored.stream().filter(row -> row.startsWith(prefix))
                    .map(row -> row.substring(prefix.length())).toList();
            assertEquals(rowsOf(files.get(id)), ofAgency, "rows of agency " + id);
        }
        assertTrue(Files.readString(dir.resolve("central/bets.csv")).endsWith("\r\n"));
    }

    @Test
    void singleBetModeSendsOneBetAndReportsIt() throws Exception {
        // given
        JarProcess server = composition.server(1, Map.of());
        String port = awaitPort(server);

        // when
        JarProcess agency = agency(1, port, Map.of("NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca",
                "DOCUMENTO", "00000042", "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));

        // then
        assertEquals(0, agency.awaitExit(RUN), String.join("\n", agency.lines()));
        List<String> log = agency.lines();
        assertTrue(log.stream().anyMatch(l -> l.endsWith(
                "action: apuesta_enviada | result: success | dni: 00000042 | numero: 7574")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.endsWith(
                "action: consulta_ganadores | result: success | cant_ganadores: 1")), String.join("\n", log));
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        assertEquals(List.of("1,Santiago Lionel,Lorca,00000042,1999-03-17,7574"),
                Files.readAllLines(dir.resolve("central/bets.csv")));
    }

    @Test
    void agencyAnsweredDrawClosedFinishesWithWhatIsStoredAndExitsZero() throws Exception {
        // given: a central for one agency, which has drawn once agency 1 finished
        composition.generate(dir.resolve("data"), 2, 300, 2, 13, true);
        JarProcess server = composition.server(1, Map.of());
        String port = awaitPort(server);
        JarProcess first = agency(1, port, Map.of("CLI_DATA_FILE", dir.resolve("data/agency-1.csv").toString()));
        assertEquals(0, first.awaitExit(RUN), String.join("\n", first.lines()));

        // when: agency 2 comes after the draw
        JarProcess late = agency(2, port, Map.of("CLI_DATA_FILE", dir.resolve("data/agency-2.csv").toString()));

        // then: its first batch is refused with DRAW_CLOSED; it says so, finishes with nothing stored, has no
        // winners and exits 0
        assertEquals(0, late.awaitExit(RUN), String.join("\n", late.lines()));
        List<String> log = late.lines();
        assertTrue(log.stream().anyMatch(l -> l.endsWith("action: apuestas_cerradas | result: success | "
                + "apuestas_almacenadas: 0 | apuestas_no_enviadas: 300")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.endsWith(
                "action: consulta_ganadores | result: success | cant_ganadores: 0")), String.join("\n", log));
        assertWellFormed(log);
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        assertEquals(300, rowsOf(dir.resolve("central/bets.csv")).size());
    }

    @Test
    void agencyCaughtMidStreamByTheCloseOfBettingFinishesWithItsStoredBetsAndTheirWinners() throws Exception {
        // given: a central whose betting closes a second after the first FINISH; agency 2 streams one bet per batch
        composition.generate(dir.resolve("data"), 2, 20_000, 400, 14, true);
        Path late = dir.resolve("data/agency-2.csv");
        JarProcess server = composition.server(2, Map.of("DRAW_AFTER_SECONDS", "1"));
        String port = awaitPort(server);
        JarProcess streaming = agency(2, port, Map.of("CLI_DATA_FILE", late.toString(), "CLI_BATCH_MAXAMOUNT", "1"));
        awaitRows(dir.resolve("central/bets.csv"), 1_000);

        // when: agency 2 is held (SIGSTOP) while agency 1 finishes and the betting closes, then goes on
        signal(streaming, "STOP");
        try {
            JarProcess first = agency(1, port, Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "1",
                    "NACIMIENTO", "2000-01-01", "NUMERO", "1"));
            assertEquals(0, first.awaitExit(RUN), String.join("\n", first.lines()));
            server.awaitLog("action: sorteo \\| result: success", START);
        } finally {
            signal(streaming, "CONT");
        }

        // then: its next batch is refused with DRAW_CLOSED; it finishes with the N bets stored, its winners are
        // those among them, and it exits 0
        assertEquals(0, streaming.awaitExit(RUN), String.join("\n", streaming.lines()));
        List<String> stored = rowsOf(dir.resolve("central/bets.csv")).stream().filter(row -> row.startsWith("2,"))
                .toList();
        List<String> input = rowsOf(late);
        int n = stored.size();
        assertTrue(n >= 1_000 && n < input.size(), n + " bets stored");
        assertEquals(input.subList(0, n), stored.stream().map(row -> row.substring(2)).toList());
        long winners = input.subList(0, n).stream().filter(row -> row.endsWith(",7574")).count();
        List<String> log = streaming.lines();
        assertTrue(log.stream().anyMatch(l -> l.endsWith("action: apuestas_cerradas | result: success | "
                + "apuestas_almacenadas: " + n + " | apuestas_no_enviadas: " + (input.size() - n))), tail(log));
        assertTrue(log.stream().anyMatch(l -> l.endsWith(
                "action: consulta_ganadores | result: success | cant_ganadores: " + winners)), tail(log));
        assertWellFormed(log);
        server.terminate();
        assertEquals(0, server.awaitExit(START));
    }

    @Test
    void agencyStartedBeforeTheCentralRetriesUntilItIsUp() throws Exception {
        // given: the agency starts first, on a port nothing listens on yet
        composition.generate(dir.resolve("data"), 1, 200, 1, 5, true);
        int port = freePort();
        JarProcess agency = agency(1, String.valueOf(port),
                Map.of("CLI_DATA_FILE", dir.resolve("data/agency-1.csv").toString()));
        agency.awaitLog("action: connect \\| result: in_progress", START);

        // when: the central comes up two seconds later
        Thread.sleep(2_000);
        JarProcess server = composition.server(1, Map.of("SERVER_PORT", String.valueOf(port)));

        // then
        assertEquals(0, agency.awaitExit(RUN), String.join("\n", agency.lines()));
        assertTrue(agency.lines().stream().anyMatch(l -> l.endsWith("cant_ganadores: 1")));
        assertFalse(agency.lines().stream().anyMatch(l -> l.contains("result: fail")), String.join("\n",
                agency.lines()));
        server.terminate();
        assertEquals(0, server.awaitExit(START));
    }

    @Test
    void agencyWithoutAnIdFailsClearly() throws Exception {
        JarProcess agency = composition.client("noid", Map.of());

        assertEquals(1, agency.awaitExit(START));
        assertTrue(agency.lines().stream().anyMatch(l -> l.contains("result: fail") && l.contains("CLI_ID")),
                String.join("\n", agency.lines()));
    }

    @ParameterizedTest
    @CsvSource({"SERVER_LISTEN_BACKLOG,many", "STORAGE_SYNC,sometimes"})
    void centralWithAMalformedValueFailsNamingTheKey(String key, String value) throws Exception {
        JarProcess server = composition.server(1, Map.of(key, value));

        assertEquals(1, server.awaitExit(START));
        assertTrue(server.lines().stream().anyMatch(l -> l.contains(key)), String.join("\n", server.lines()));
    }

    @Test
    void centralWithStorageSyncSaysSoStoresTheBetsAndStopsCleanly() throws Exception {
        // given
        JarProcess server = composition.server(1, Map.of("STORAGE_SYNC", "yes"));
        String port = awaitPort(server);

        // when
        JarProcess agency = agency(1, port, Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "7",
                "NACIMIENTO", "2000-01-01", "NUMERO", "1"));

        // then
        assertEquals(0, agency.awaitExit(RUN), String.join("\n", agency.lines()));
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        List<String> log = server.lines();
        assertTrue(log.stream().anyMatch(l -> l.contains("action: storage_sync | result: success")),
                String.join("\n", log));
        String closed = ".*action: close_store \\| result: success .*\\| syncs: [1-9].*";
        assertTrue(log.stream().anyMatch(l -> l.matches(closed)), String.join("\n", log));
        assertWellFormed(log);
    }

    @Test
    void centralKeepsRunningAfterAllAgenciesLeaveAndExitsZeroOnSigterm() throws Exception {
        JarProcess server = composition.server(0, Map.of());
        String port = awaitPort(server);
        JarProcess agency = agency(1, port, Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "1",
                "NACIMIENTO", "2000-01-01", "NUMERO", "1"));
        agency.awaitExit(RUN);

        Thread.sleep(500);
        assertTrue(server.isAlive());
        server.terminate();
        assertEquals(0, server.awaitExit(START));
    }

    @Test
    void agencyWithItsTokenIsServedAndOneWithAWrongTokenIsRefused() throws Exception {
        // given: a central where agencies 1 and 2 have shared secrets
        JarProcess server = composition.server(2, Map.of("AGENCY_TOKENS", "1=uno-secreto,2=dos-secreto"));
        String port = awaitPort(server);
        Map<String, String> bet = Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "7",
                "NACIMIENTO", "2000-01-01", "NUMERO", "7574");

        // when
        Map<String, String> wrong = new HashMap<>(bet);
        wrong.put("CLI_TOKEN", "adivinanza");
        JarProcess impostor = agency(2, port, wrong);
        Map<String, String> right = new HashMap<>(bet);
        right.put("CLI_TOKEN", "uno-secreto");
        JarProcess honest = agency(1, port, right);

        // then: the impostor is refused (exit 4) and stored nothing; the honest agency's bet is in
        assertEquals(4, impostor.awaitExit(RUN), String.join("\n", impostor.lines()));
        assertTrue(impostor.lines().stream().anyMatch(l -> l.contains("AUTH_FAILED")),
                String.join("\n", impostor.lines()));
        assertTrue(honest.awaitLog("action: apuesta_enviada \\| result: success", RUN) != null);
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        assertEquals(List.of("1,Ana,Paz,7,2000-01-01,7574"), Files.readAllLines(dir.resolve("central/bets.csv")));
    }

    @Test
    void centralRefusesToStartOnAStoreThatIsNotABetsFile() throws Exception {
        // given
        Files.createDirectories(dir.resolve("central"));
        Files.writeString(dir.resolve("central/bets.csv"), "this,is\r\nnot a bets file\r\n");

        // when
        JarProcess server = composition.server(1, Map.of());

        // then: exit 1, the reason logged, the file untouched
        assertEquals(1, server.awaitExit(START));
        assertTrue(server.lines().stream().anyMatch(l -> l.contains("action: abrir_almacen | result: fail")),
                String.join("\n", server.lines()));
        assertEquals("this,is\r\nnot a bets file\r\n", Files.readString(dir.resolve("central/bets.csv")));
    }

    /** Every line has the course's format, and operation lines follow the grammar. */
    private static void assertWellFormed(List<String> log) {
        for (String line : log) {
            if (line.startsWith("\t") || line.startsWith("java.") || line.startsWith("Caused by")) {
                continue;
            }
            assertTrue(LOG_LINE.matcher(line).matches(), "not in the log format: " + line);
            int action = line.indexOf("action: ");
            if (action >= 0) {
                assertTrue(OPERATION.matcher(line.substring(action)).matches(), "not in the grammar: " + line);
            }
            assertFalse(line.contains("result: fail"), "a normal run logs no failure: " + line);
        }
    }

    /** Waits until {@code file} holds at least {@code rows} rows. */
    private static void awaitRows(Path file, int rows) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!Files.exists(file) || rowsOf(file).size() < rows) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + rows + " rows in " + file);
            Thread.sleep(20);
        }
    }

    /** Sends {@code SIGname} to {@code process} with kill(1). */
    private static void signal(JarProcess process, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name);
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }

    private static int indexOf(List<String> log, String text) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + text + " in\n" + String.join("\n", log));
    }

    private static List<String> winnersIn(Path file) throws IOException {
        return rowsOf(file).stream().filter(row -> row.endsWith(",7574")).map(row -> row.split(",")[2]).toList();
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
