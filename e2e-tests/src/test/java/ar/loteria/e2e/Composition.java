package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import ar.loteria.launch.Launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One test's set of jar processes in its temporary directory: starts the central and agencies, generates data, and
 * kills whatever is still running when closed. Test-owned: one per test, closed after it.
 */
final class Composition implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(20);
    /** A small heap for every jar: a test runs several at once. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m");

    private final Supplier<Path> dir;
    private final Duration run;
    private final List<JarProcess> processes = new ArrayList<>();

    /**
     * A composition in {@code dir}, read on first use so a test can pass {@code () -> dir} for its {@code @TempDir}
     * field; {@code run} bounds how long data generation may take.
     */
    Composition(Supplier<Path> dir, Duration run) {
        this.dir = dir;
        this.run = run;
    }

    /** Starts the server jar on port 0 for {@code agencies} agencies, plus {@code extraEnv}, logging to central.log. */
    JarProcess server(int agencies, Map<String, String> extraEnv) throws IOException {
        return server(agencies, extraEnv, "central.log");
    }

    /**
     * Starts the server jar storing in central/bets.csv, with {@code extraEnv} over its defaults, into {@code log}.
     * The status port is off unless {@code extraEnv} sets STATUS_PORT, so that tests never compete for port 8080.
     */
    JarProcess server(int agencies, Map<String, String> extraEnv, String log) throws IOException {
        return server(agencies, extraEnv, log, JVM_OPTIONS);
    }

    /** As {@link #server(int, Map, String)}, with the JVM options {@code jvmOptions} instead of the small heap. */
    JarProcess server(int agencies, Map<String, String> extraEnv, String log, List<String> jvmOptions)
            throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("SERVER_PORT", "0", "AGENCIES", String.valueOf(agencies),
                "STORAGE_FILEPATH", dir.get().resolve("central/bets.csv").toString(), "STATUS_PORT", "0"));
        env.putAll(extraEnv);
        return started(JarProcess.start(Launch.jar(jar("lottery.serverJar")).withJvmOptions(jvmOptions), env,
                dir.get().resolve("central"), dir.get().resolve(log)));
    }

    /** Starts the client jar as agency {@code id} of the central at {@code address}, plus {@code extraEnv}. */
    JarProcess agency(int id, String address, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("CLI_ID", String.valueOf(id), "CLI_SERVER_ADDRESS", address));
        env.putAll(extraEnv);
        return client("agency-" + id, env);
    }

    /** Starts the client jar in the folder {@code name} with only {@code env}, logging to {@code name}.log. */
    JarProcess client(String name, Map<String, String> env) throws IOException {
        return started(JarProcess.start(Launch.jar(jar("lottery.clientJar")).withJvmOptions(JVM_OPTIONS), env,
                dir.get().resolve(name), dir.get().resolve(name + ".log")));
    }

    /** Runs {@code java -jar client generate} into {@code out} and fails the test unless it exits 0. */
    void generate(Path out, int agencies, int bets, int winners, long seed, boolean crlf)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("generate", "--out", out.toString(), "--agencies",
                String.valueOf(agencies), "--bets", String.valueOf(bets), "--winners", String.valueOf(winners),
                "--seed", String.valueOf(seed)));
        if (crlf) {
            args.add("--crlf");
        }
        Launch launch = Launch.jar(jar("lottery.clientJar"), args.toArray(String[]::new)).withJvmOptions(JVM_OPTIONS);
        try (JarProcess generator = JarProcess.start(launch, Map.of(), dir.get(),
                dir.get().resolve("generate-" + seed + ".log"))) {
            assertEquals(0, generator.awaitExit(run), String.join("\n", generator.lines()));
        }
    }

    /** Waits for the central's accept_connections line and returns the port it logged. */
    static String awaitPort(JarProcess server) throws InterruptedException {
        return String.valueOf(server.awaitPort(START));
    }

    /** The jar a system property names, or fails the test with a hint when it has not been packaged. */
    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests with `mvn -B verify`, which packages "
                    + "the jars before this module's tests");
        }
        return jar;
    }

    /** The lines of a CSV file, each without its CR, empty lines left out. */
    static List<String> rowsOf(Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String row = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (!row.isEmpty()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private JarProcess started(JarProcess process) {
        processes.add(process);
        return process;
    }

    /** Kills every process this composition started that is still running. */
    @Override
    public void close() {
        processes.forEach(JarProcess::close);
    }
}
