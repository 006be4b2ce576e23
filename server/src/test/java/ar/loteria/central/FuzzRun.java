package ar.loteria.central;

import ar.loteria.testkit.LogCapture;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One run of the {@link Fuzz}, as a JUnit extension: {@code @RegisterExtension final FuzzRun fuzz = new
 * FuzzRun("PipelineFuzzTest");}. Before each test it makes a temporary directory with the {@link StoreModel} of the
 * store there, detaches the console appender (thousands of refused frames would flood the build output) while
 * still capturing every line, and prints the seed so the run can be replayed; after it, it gives the console back
 * and deletes the directory. {@link #iterate} runs the iterations within the caps. Test thread only.
 */
final class FuzzRun implements BeforeEachCallback, AfterEachCallback {

    /** One iteration of a fuzz test; it adds what it reached to {@code stats}. */
    @FunctionalInterface
    interface Iteration {
        void run(int iteration, Stats stats) throws Exception;
    }

    /** What the fuzz reached, printed so a run shows it tested something. */
    static final class Stats {
        int storedBatches;
        int refusals;
        int closingErrors;

        @Override
        public String toString() {
            return storedBatches + " batches stored, " + refusals + " refusals, " + closingErrors
                    + " closing errors";
        }
    }

    private final String test;
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private Appender<ILoggingEvent> console;
    private LogCapture log;
    private Path dir;
    private StoreModel model;

    /** @param test the test class's name, for the seed and figures lines */
    FuzzRun(String test) {
        this.test = test;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("fuzz");
        model = new StoreModel(dir.resolve("bets.csv"));
        console = root.getAppender("STDOUT");
        if (console != null) {
            root.detachAppender(console);
        }
        log = LogCapture.attach();
        System.out.println(test + " seed " + Fuzz.SEED + " (replay with -Dfuzz.seed=" + Fuzz.SEED + ")");
    }

    /** The store the fuzzed central writes, and what it must hold. */
    StoreModel model() {
        return model;
    }

    LogCapture log() {
        return log;
    }

    /**
     * Runs {@code body} for iterations 0, 1, … until {@code max} of them or {@link Fuzz#BUDGET} has passed, prints
     * what they reached, and checks that the fuzz reached both ends (batches stored, connections closed on errors).
     */
    Stats iterate(int max, String what, Iteration body) throws Exception {
        Stats stats = new Stats();
        long deadline = System.nanoTime() + Fuzz.BUDGET.toNanos();
        int i = 0;
        for (; i < max && System.nanoTime() < deadline; i++) {
            body.run(i, stats);
        }
        System.out.println(test + ": seed " + Fuzz.SEED + ", " + i + " " + what + ", " + stats);
        assertTrue(stats.storedBatches > 0 && stats.closingErrors > 0, "the fuzz reached both ends: " + stats);
        return stats;
    }

    /** Fails on a line with a stack trace or an unexpected connection failure since the last call, then forgets. */
    void assertNoUnexpectedFailure(String context) {
        for (LogCapture.Line line : log.lines()) {
            assertFalse(line.hasThrowable() || line.toString().startsWith("ERROR action: conexion"),
                    context + ": unexpected failure logged: " + line);
        }
        log.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        log.close();
        if (console != null) {
            root.addAppender(console);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
