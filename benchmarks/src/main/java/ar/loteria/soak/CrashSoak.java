package ar.loteria.soak;

import ar.loteria.launch.Launch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The crash soak: K agency jars stream generated bets to the central's jar, which is killed with SIGKILL at seeded
 * random moments and started again on the same store and port, N times; then everything runs to the end. It checks
 * that every agency exits 0 with exactly its winners, that the store holds each agency's input exactly once and in
 * order, that every acknowledged bet was in the store when the central that acknowledged it died, that no torn row
 * survives (each is cut by the next start, which says so), and that each central draws at most once and the last
 * exactly once, after all its stored batches. Prints a line per cycle and a summary, and exits 1 when a check
 * failed. Options are parsed by picocli; {@code --help} lists them.
 */
@Command(name = "CrashSoak", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Crash soak: K agencies streaming while the central is SIGKILLed at seeded random moments and "
            + "restarted on the same store, N cycles, then everything runs to the end and is checked. Ends with "
            + "`soak: PASS` (exit 0) or `soak: FAIL (N failed checks)` (exit 1) after the figures and the failed "
            + "checks."})
public final class CrashSoak implements Callable<Integer> {

    @Option(names = "--server-jar", paramLabel = "JAR", description = "the central's jar (default: ${DEFAULT-VALUE})")
    Path serverJar = Path.of("server/target/lottery-server.jar");

    @Option(names = "--client-jar", paramLabel = "JAR", description = "the agency's jar (default: ${DEFAULT-VALUE})")
    Path clientJar = Path.of("client/target/lottery-client.jar");

    @Option(names = "--cycles", paramLabel = "N", description = "kills and restarts of the central (default: "
        + "${DEFAULT-VALUE})")
    int cycles = 100;

    @Option(names = "--agencies", paramLabel = "K", description = "agency processes (default: ${DEFAULT-VALUE})")
    int agencies = 4;

    @Option(names = "--bets", paramLabel = "B", split = ",", defaultValue = "5000,100000,100000,100000",
            description = "bets of agency 1, 2, ..., repeated over the agencies; enough that the kills all come "
                + "before the draw. The default has agency 1 finish early and wait for the draw through most "
                + "kills, sending FINISH and RESULTS again after each (default: ${DEFAULT-VALUE})")
    List<Integer> bets;

    @Option(names = "--winners", paramLabel = "W", description = "bets on the winning number per agency (default: "
        + "${DEFAULT-VALUE})")
    int winners = 5;

    @Option(names = "--batch", paramLabel = "N", split = ",", defaultValue = "1,2,3",
            description = "bets per batch (CLI_BATCH_MAXAMOUNT) of agency 1, 2, ..., repeated over the agencies; "
                + "small, so that a kill often lands mid-stream (default: ${DEFAULT-VALUE})")
    List<Integer> batch;

    @Option(names = "--seed", paramLabel = "S", description = "seeds the data and the kills' moments (default: "
        + "${DEFAULT-VALUE})")
    long seed = 7574;

    @Option(names = "--min-delay-ms", paramLabel = "MS", description = "each kill comes after a delay drawn between "
        + "this and --max-delay-ms since the central listened... (default: ${DEFAULT-VALUE})")
    long minDelayMs = 0;

    @Option(names = "--max-delay-ms", paramLabel = "MS", description = "(see --min-delay-ms) (default: "
        + "${DEFAULT-VALUE})")
    long maxDelayMs = 3_000;

    @Option(names = "--max-growth-kb", paramLabel = "KB", description = "...or as soon as the store has grown by a "
        + "number of bytes drawn up to this since then, if that comes first (default: ${DEFAULT-VALUE})")
    int maxGrowthKb = 128;

    @Option(names = "--torn-rows", paramLabel = "PERCENT", description = "after this share of the kills a torn "
        + "row (a row cut short, as a kill in the middle of a write leaves) is appended to the store, which the "
        + "next start must cut (default: ${DEFAULT-VALUE})")
    int tornRows = 10;

    @Option(names = "--early-kills", paramLabel = "PERCENT", description = "the share of the kills whose moment "
        + "is counted from the central listening, so that they may land while agencies reconnect; the others' is "
        + "counted from every agency having been welcomed again (default: ${DEFAULT-VALUE})")
    int earlyKills = 20;

    @Option(names = "--port", paramLabel = "PORT", description = "the central's port on every start; 0: a free port "
        + "taken by the first start and kept (default: ${DEFAULT-VALUE})")
    int port = 0;

    @Option(names = "--jvm-opts", paramLabel = "OPTIONS", description = "JVM options of the central and the agencies, "
        + "space-separated (default: ${DEFAULT-VALUE})")
    String jvmOpts = "-Xmx256m -XX:TieredStopAtLevel=1";

    @Option(names = "--timeout-s", paramLabel = "S", description = "a bound on the whole soak; past it every "
        + "process is killed and the soak fails (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 900;

    @Option(names = "--work", paramLabel = "DIR", description = "folder for the data, the store and every "
        + "process's log; new or empty (default: a temporary folder, removed after a pass)")
    Path work;

    @Option(names = "--keep", arity = "0..1", paramLabel = "BOOL", description = "keep the work folder after a pass "
        + "too (default: ${DEFAULT-VALUE})")
    boolean keep;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    private CrashSoak(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, args));
    }

    /**
     * Runs the soak the arguments describe, printing to {@code out} (usage errors too), and returns the exit
     * status: 0 when every check passed, 1 when one failed, 2 for bad arguments.
     */
    public static int run(PrintStream out, String... args) {
        PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
        return new CommandLine(new CrashSoak(out)).setExpandAtFiles(false).setOut(writer).setErr(writer)
                .execute(args);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        checkAtLeast(0, cycles, "--cycles");
        checkAtLeast(1, agencies, "--agencies");
        checkAtLeast(1, winners, "--winners");
        checkAtLeast(0, minDelayMs, "--min-delay-ms");
        checkAtLeast(minDelayMs, maxDelayMs, "--max-delay-ms");
        checkAtLeast(1, maxGrowthKb, "--max-growth-kb");
        checkAtLeast(0, tornRows, "--torn-rows");
        checkAtLeast(0, earlyKills, "--early-kills");
        checkAtLeast(0, port, "--port");
        checkAtLeast(1, timeoutSeconds, "--timeout-s");
        if (tornRows > 100 || earlyKills > 100 || port > 65_535) {
            throw new ParameterException(spec.commandLine(), "--torn-rows and --early-kills are at most 100, --port "
                    + "at most 65535");
        }
        if (batch.stream().anyMatch(size -> size < 1)) {
            throw new ParameterException(spec.commandLine(), "--batch takes sizes of 1 or more: " + batch);
        }
        if (bets.stream().anyMatch(count -> count < winners)) {
            throw new ParameterException(spec.commandLine(), "--bets takes counts of --winners (" + winners
                    + ") or more: " + bets);
        }
        for (Path jar : List.of(serverJar, clientJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new ParameterException(spec.commandLine(), jar + " is missing: build the jars first (`mvn -B "
                        + "package -DskipTests`, or `make soak`)");
            }
        }
        Path dir = work != null ? work.toAbsolutePath() : Files.createTempDirectory("lottery-soak");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new ParameterException(spec.commandLine(), "--work must be new or empty: " + dir);
                }
            }
        }
        Files.createDirectories(dir);
        List<String> options = jvmOpts.isBlank() ? List.of() : List.of(jvmOpts.trim().split("\\s+"));
        SoakSettings settings = new SoakSettings(Launch.jar(serverJar).withJvmOptions(options),
                Launch.jar(clientJar).withJvmOptions(options), agencies, new ArrayList<>(bets), winners, seed, cycles,
                new ArrayList<>(batch), Duration.ofMillis(minDelayMs), Duration.ofMillis(maxDelayMs),
                maxGrowthKb * 1024L, tornRows, earlyKills, port, Duration.ofSeconds(timeoutSeconds), dir);
        SoakReport report = soak(settings, out);
        if (report.passed() && !keep) {
            deleteTree(dir);
        } else {
            out.println("kept the data, the store and every log in " + dir);
        }
        return report.passed() ? 0 : 1;
    }

    /**
     * Runs one soak and prints its report; a shutdown hook kills what it started if this JVM is stopped meanwhile.
     */
    static SoakReport soak(SoakSettings settings, PrintStream out) throws IOException, InterruptedException {
        try (SoakRun run = new SoakRun(settings, out)) {
            Thread cleanup = new Thread(run::close, "crash-soak-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            try {
                SoakReport report = run.run();
                report.print(out);
                return report;
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(cleanup);
                } catch (IllegalStateException e) {
                    // this JVM is shutting down: the hook runs anyway
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void checkAtLeast(long least, long value, String option) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be " + least + " or more: " + value);
        }
    }
}
