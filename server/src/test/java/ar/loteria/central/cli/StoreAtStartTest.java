package ar.loteria.central.cli;

import ar.loteria.central.SmallFilesystem;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The central's start, run in-process as {@code java -jar lottery-server.jar} runs it ({@link CentralMain#serve}),
 * on stores that cannot be opened or that hold something unexpected: each failure gets the line PROTOCOL.md section
 * 8 gives it, naming the file and the cause, and exit 1; what the central can carry on with, it carries on with.
 * The tests that need a full disk mount a small tmpfs (root only; skipped elsewhere, saying why).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreAtStartTest {

    private static final String ROW = "1,Ana,Paz,00000042,1990-01-01,7574\r\n";

    @TempDir
    Path dir;

    private SmallFilesystem disk;

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    /** What a start printed (its operation lines, each as {@code LEVEL message}) and returned. */
    private record Start(int status, List<String> lines) {

        String line(String action) {
            return lines.stream().filter(line -> line.contains("action: " + action + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + action + " line in " + lines));
        }

        boolean has(String action) {
            return lines.stream().anyMatch(line -> line.contains("action: " + action + " "));
        }
    }

    /** Starts the central on {@code store} for {@code agencies} agencies, plus {@code more}, and stops it at once. */
    private Start start(Path store, int agencies, Map<String, String> more) throws InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of("STORAGE_FILEPATH", store.toString(), "SERVER_PORT", "0",
                "STATUS_PORT", "0", "AGENCIES", String.valueOf(agencies)));
        env.putAll(more);
        CountDownLatch stop = new CountDownLatch(1);
        stop.countDown();
        try (LogCapture log = LogCapture.attach()) {
            int status = CentralMain.serve(dir.resolve("none.ini"), env, stop);
            return new Start(status, log.texts().stream().filter(line -> line.contains("action: ")).toList());
        }
    }

    private Start start(Path store) throws InterruptedException {
        return start(store, 1, Map.of());
    }

    private static void assertRefused(Start start, String file, String error) {
        assertEquals(1, start.status(), start.lines().toString());
        assertEquals("ERROR action: abrir_almacen | result: fail | file: " + file + " | error: " + error,
                start.line("abrir_almacen"));
        assertFalse(start.has("accept_connections"), "nothing listened: " + start.lines());
    }

    @Test
    void aGoodStartLogsItsConfigAndThenThatItListens() throws Exception {
        // when
        Start start = start(dir.resolve("bets.csv"));

        // then: the contract's first two lines, in this order
        assertEquals(0, start.status());
        assertTrue(start.lines().get(0).startsWith("INFO action: config | result: success | port: 0 |"),
                start.lines().toString());
        assertTrue(start.lines().get(1).startsWith("INFO action: accept_connections | result: in_progress | port: "),
                start.lines().toString());
    }

    @Test
    void aFinishLogThatIsAFolderStopsTheStartNamingItAndWhy() throws Exception {
        // given
        Path store = dir.resolve("bets.csv");
        Files.createDirectories(dir.resolve("bets.csv.finished"));

        // when / then
        assertRefused(start(store), dir.resolve("bets.csv.finished").toString(), "Is a directory");
    }

    @Test
    void aStorePathThroughARegularFileStopsTheStartNamingIt() throws Exception {
        // given: STORAGE_FILEPATH=/.../afile/bets.csv where afile is a file
        Files.writeString(dir.resolve("afile"), "not a folder");

        // when / then
        assertRefused(start(dir.resolve("afile/bets.csv")), dir.resolve("afile/bets.csv").toString(),
                dir.resolve("afile") + " is a file, not a folder");
    }

    @Test
    void aMissingFolderOfTheStoreIsCreated() throws Exception {
        // when
        Start start = start(dir.resolve("new/folder/bets.csv"));

        // then
        assertEquals(0, start.status(), start.lines().toString());
        assertTrue(Files.isRegularFile(dir.resolve("new/folder/bets.csv")));
    }

    @Test
    void aStoreWithARowThatIsNotABetStopsTheStartNamingTheFileAndTheRow() throws Exception {
        // given
        Path store = dir.resolve("bets.csv");
        Files.writeString(store, ROW + "this is not a bet\r\n");

        // when / then
        assertRefused(start(store), store.toString(), "row 2 is not a stored bet");
        assertEquals(ROW + "this is not a bet\r\n", Files.readString(store), "left untouched");
    }

    @Test
    void aNewStoreOnADiskWithoutAFreeInodeStopsTheStartNamingIt() throws Exception {
        // given: a filesystem whose every inode is taken
        disk = SmallFilesystem.mount(dir.resolve("tmpfs"), "size=256k,nr_inodes=8");
        disk.fill();
        Path store = disk.root().resolve("bets.csv");

        // when / then
        assertRefused(start(store), store.toString(), "No space left on device");
    }

    @Test
    void aRestartOnAFullDiskCarriesOnWithTheSameDraw() throws Exception {
        // given: a store whose only agency had finished, then a disk that filled up
        disk = SmallFilesystem.mount(dir.resolve("tmpfs"), "size=128k");
        Path store = disk.root().resolve("bets.csv");
        Files.writeString(store, ROW);
        Path finishes = disk.root().resolve("bets.csv.finished");
        String finished = "1,1," + ROW.length() + "\n";
        Files.writeString(finishes, finished);
        disk.fill();

        // when
        Start start = start(store);

        // then: it starts, knows who finished, draws again, and leaves the files as they were
        assertEquals(0, start.status(), start.lines().toString());
        assertTrue(start.has("restaurar_finalizadas"), start.lines().toString());
        assertTrue(start.has("sorteo"), start.lines().toString());
        assertEquals(finished, Files.readString(finishes));
        assertFalse(Files.exists(disk.root().resolve("bets.csv.finished.new")));
    }

    @Test
    void aFinishLogOfBytesThatAreNotTextIsDiscardedWithAWarning() throws Exception {
        // given: random bytes (not UTF-8) beside a store
        Path store = dir.resolve("bets.csv");
        Files.writeString(store, ROW);
        byte[] garbage = new byte[200];
        new Random(20).nextBytes(garbage);
        garbage[0] = (byte) 0xff;
        Files.write(dir.resolve("bets.csv.finished"), garbage);

        // when
        Start start = start(store, 1, Map.of());

        // then: a new count of who finished, as for a log of another store
        assertEquals(0, start.status(), start.lines().toString());
        assertTrue(start.line("descartar_finalizadas").startsWith("WARN action: descartar_finalizadas | result: "
                + "success | file: " + dir.resolve("bets.csv.finished")), start.lines().toString());
        assertFalse(start.has("sorteo"), "agency 1 has not finished: " + start.lines());
        assertEquals(0, Files.size(dir.resolve("bets.csv.finished")));
    }

    @Test
    void aTornLastLineOfTheFinishLogIsCutAndLoggedWithWhatItHeld() throws Exception {
        // given: agency 1's line, then agency 2's line cut after its agency field
        Path store = dir.resolve("bets.csv");
        Files.writeString(store, ROW);
        String whole = "1,1," + ROW.length() + "\n";
        Files.writeString(dir.resolve("bets.csv.finished"), whole + "2,0,");

        // when
        Start start = start(store, 2, Map.of());

        // then
        assertEquals(0, start.status(), start.lines().toString());
        assertEquals("WARN action: reparar_finalizadas | result: success | file: " + dir.resolve("bets.csv.finished")
                + " | bytes_cortados: 4 | texto_cortado: 2,0, | agency: 2", start.line("reparar_finalizadas"));
        assertTrue(start.line("restaurar_finalizadas").endsWith("agencias_listas: 1"), start.lines().toString());
        assertEquals(whole, Files.readString(dir.resolve("bets.csv.finished"), StandardCharsets.US_ASCII));
    }

    @Test
    void aBetsPortInUseIsStillTheAcceptConnectionsLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            // when
            Start start = start(dir.resolve("bets.csv"), 1, Map.of("SERVER_PORT",
                    String.valueOf(taken.getLocalPort())));

            // then
            assertEquals(1, start.status());
            assertTrue(start.line("accept_connections").startsWith("ERROR action: accept_connections | result: fail "
                    + "| port: " + taken.getLocalPort() + " | error: "), start.lines().toString());
            assertFalse(start.has("abrir_almacen"), start.lines().toString());
        }
    }

    @Test
    void aDatabaseThatRefusesTheCentralIsNamedPlainly() throws Exception {
        // given: a PostgreSQL server without the database named
        String url = TestPostgres.shared().url("no_such_database");

        // when
        Start start = start(dir.resolve("unused.csv"), 1, Map.of("STORAGE_URL", url, "STORAGE_USER",
                TestPostgres.USER, "STORAGE_PASSWORD", TestPostgres.PASSWORD));

        // then
        assertEquals(1, start.status());
        String line = start.line("abrir_almacen");
        assertTrue(line.startsWith("ERROR action: abrir_almacen | result: fail | error: the database at "), line);
        assertTrue(line.contains("no_such_database"), line);
        assertFalse(line.contains(TestPostgres.PASSWORD), line);
        assertFalse(start.has("accept_connections"), start.lines().toString());
    }
}
