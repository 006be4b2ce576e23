package ar.loteria.central.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar lottery-server.jar ARGS...} with arguments: the commands, their help, and usage errors. */
class CentralCommandTest {

    @TempDir
    Path dir;

    /** What a command line printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // A store in the test's folder: a server started by mistake would create it.
        int status = CentralMain.execute(dir.resolve("none.ini"), Map.of("STORAGE_FILEPATH",
                        dir.resolve("bets.csv").toString(), "SERVER_PORT", "0", "STATUS_PORT", "0"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommandsAndEachCommandHasItsOwn() {
        // when
        Run help = run("--help");
        Run export = run("export", "--help");
        Run probe = run("probe", "-h");

        // then
        assertEquals(0, help.status());
        assertTrue(help.out().contains("export") && help.out().contains("probe"), help.out());
        assertEquals(0, export.status());
        assertTrue(export.out().contains("--out=FILE"), export.out());
        assertEquals(0, probe.status());
        assertTrue(probe.out().contains("PATH"), probe.out());
    }

    @Test
    void anUnknownArgumentIsAUsageErrorAndStartsNoServer() {
        // when
        Run unknown = run("serve");
        Run option = run("--port", "1");

        // then: exit 2, what was wrong and the usage on standard error; no store was opened
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("'serve'") && unknown.err().contains("Usage:"), unknown.err());
        assertEquals(2, option.status());
        assertTrue(option.err().contains("--port"), option.err());
        assertFalse(Files.exists(dir.resolve("bets.csv")));
    }

    @Test
    void exportWithoutItsFileIsAUsageError() {
        // when
        Run missing = run("export");
        Run dangling = run("export", "--out");

        // then
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("--out"), missing.err());
        assertEquals(2, dangling.status());
    }

    @Test
    void aRepeatedOutTakesItsLastValueAsBefore() throws Exception {
        // given: an empty store
        Files.writeString(dir.resolve("bets.csv"), "");

        // when
        Run export = run("export", "--out", dir.resolve("first.csv").toString(), "--out",
                dir.resolve("second.csv").toString());

        // then
        assertEquals(0, export.status(), export.err());
        assertFalse(Files.exists(dir.resolve("first.csv")));
        assertEquals("", Files.readString(dir.resolve("second.csv")));
    }
}
