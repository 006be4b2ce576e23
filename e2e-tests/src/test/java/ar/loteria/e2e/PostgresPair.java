package ar.loteria.e2e;

import ar.loteria.testkit.Commands;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL pair that fails over by itself, as {@code scripts/pg-ha.sh} starts it (pg_auto_failover's monitor
 * and two data nodes, {@code node1} the primary and {@code node2} its synchronous standby, on free loopback ports), in
 * a temporary folder of its own. The script is the one way the project sets the pair up; this only drives it.
 * Test-owned: {@link #close()} stops every process of the pair and removes its folder, whatever happened.
 */
final class PostgresPair implements AutoCloseable {

    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration COMMAND = Duration.ofSeconds(60);

    private final Path script;
    private final Path dir;
    private String url;

    private PostgresPair(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /** Starts the pair; fails with what the script said when it cannot. */
    static PostgresPair start() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("lottery.pgHa", "missing"));
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException(script + " is missing: run the tests with `mvn -B verify` from the "
                    + "repository");
        }
        // Not under the test's @TempDir: the postgres user must be able to reach it.
        PostgresPair pair = new PostgresPair(script, Files.createTempDirectory("lottery-pgha-"));
        try {
            pair.url = pair.run(START, "start").strip();
        } catch (IOException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    /** The centrals' STORAGE_URL: both nodes, {@code targetServerType=primary}. */
    String url() {
        return url;
    }

    /** SQL on {@code node}'s database ({@code node1}, {@code node2}, or {@code monitor}); the rows, unaligned. */
    String sql(String node, String sql) throws IOException, InterruptedException {
        return run(COMMAND, "sql", node, sql).strip();
    }

    /** The node that takes writes now. */
    String primary() throws IOException, InterruptedException {
        return run(COMMAND, "primary").strip();
    }

    /**
     * SIGKILL: {@code what} {@code node} every process of {@code node} at once (its keeper and its postgres, a lost
     * machine), {@code postmaster} its postmaster only. Returns when the signal went; once every one has ended.
     */
    Instant kill(String node, String what) throws IOException, InterruptedException {
        return Instant.ofEpochMilli(Long.parseLong(run(COMMAND, "kill", node, what).strip()));
    }

    /** The monitor's view of the pair, for a failing test's message. */
    String state() {
        try {
            return run(COMMAND, "state");
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "(no state: " + e.getMessage() + ")";
        }
    }

    private String run(Duration limit, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString(), arguments[0], dir.toString()));
        command.addAll(List.of(arguments).subList(1, arguments.length));
        // The tests kill processes, never the machine: what the system was given survives them without a disk
        // flush, as for TestPostgres; a commit still waits for the standby to have received it.
        return Commands.run(command, Map.of("PG_HA_NODE_SETTINGS", "fsync = off"), limit);
    }

    /** Stops the monitor and both nodes (what is left of them), then removes the folder. Idempotent. */
    @Override
    public void close() {
        try {
            run(COMMAND, "stop");
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the folder goes anyway; a process left would hold only files that are gone
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
