package ar.loteria.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The central jar's start where it must not start: each case exits at once, with the line that says why. Run as
 * processes because what is checked belongs to the process: the exit status, the command line, and the permissions
 * of the user the central runs as.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CentralStartEndToEndTest {

    /** The user the test runs the central as when it is root: root reads a file whatever its mode. */
    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    /** What the process printed and how it ended. */
    private record Run(int status, String output) {
    }

    private static Path jar() {
        return Path.of(System.getProperty("lottery.serverJar", "missing"));
    }

    /** Runs {@code command} in {@code workDir} with only {@code env} (and PATH); waits for it to end. */
    private static Run run(List<String> command, Path workDir, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "still running:\n" + output);
            return new Run(process.exitValue(), output);
        } finally {
            process.destroyForcibly();
        }
    }

    private static List<String> java(String... args) {
        return java(jar(), args);
    }

    private static List<String> java(Path jar, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aFinishLogTheCentralMayNotReadStopsTheStartNamingItAndWhy() throws Exception {
        // given: a store whose finish log its user may not read (chmod 000). Root reads it anyway, so as root the
        // central runs as nobody, who owns the folder and both files, through setpriv.
        boolean root = "root".equals(System.getProperty("user.name"));
        Path central = Files.createDirectories(dir.resolve("central"));
        Files.writeString(central.resolve("bets.csv"), "1,Ana,Paz,00000042,1990-01-01,7574\r\n");
        Files.writeString(central.resolve("bets.csv.finished"), "1,1,36\n");
        List<String> command;
        if (root) {
            // nobody runs a copy of the jar in the test's folder: the checkout's folders need not be open to
            // other users (a clone in a private temporary folder is not).
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            command = java(Files.copy(jar(), dir.resolve("lottery-server.jar")));
            for (Path path : List.of(central, central.resolve("bets.csv"), central.resolve("bets.csv.finished"))) {
                Files.setAttribute(path, "unix:uid", NOBODY);
                Files.setAttribute(path, "unix:gid", NOBODY);
            }
            command.addAll(0, List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        } else {
            command = java();
        }
        Files.setPosixFilePermissions(central.resolve("bets.csv.finished"), PosixFilePermissions.fromString("---------"));

        // when
        Run start = run(command, central, Map.of("STORAGE_FILEPATH", "./bets.csv", "SERVER_PORT", "0",
                "STATUS_PORT", "0", "AGENCIES", "1"));

        // then
        assertEquals(1, start.status(), start.output());
        assertTrue(start.output().contains("ERROR    action: abrir_almacen | result: fail | file: ./bets.csv.finished "
                + "| error: permission denied\n"), start.output());
        assertFalse(start.output().contains("accept_connections"), start.output());
    }

    @Test
    void anUnknownArgumentIsAUsageErrorNotAServer() throws Exception {
        // when
        Run run = run(java("--port", "1"), dir, Map.of("SERVER_PORT", "0", "STATUS_PORT", "0",
                "STORAGE_FILEPATH", dir.resolve("bets.csv").toString()));

        // then: exit 2 and the usage, no server, no store
        assertEquals(2, run.status(), run.output());
        assertTrue(run.output().contains("Unknown option") && run.output().contains("'--port'") && run.output().contains("Usage:"),
                run.output());
        assertFalse(Files.exists(dir.resolve("bets.csv")));
    }
}
