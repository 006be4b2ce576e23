package ar.loteria.central;

import ar.loteria.testkit.LogCapture;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The log while a {@link Fuzz} runs: the console appender detached (thousands of refused frames would flood the
 * build output), every line still captured, and the seed printed so a run can be replayed. Test-owned: close it to
 * give the console back.
 */
final class FuzzLog implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final Appender<ILoggingEvent> console;
    private final LogCapture capture;

    /** @param test the test class's name, for the seed line */
    FuzzLog(String test) {
        console = root.getAppender("STDOUT");
        if (console != null) {
            root.detachAppender(console);
        }
        capture = LogCapture.attach();
        System.out.println(test + " seed " + Fuzz.SEED + " (replay with -Dfuzz.seed=" + Fuzz.SEED + ")");
    }

    LogCapture capture() {
        return capture;
    }

    /** Fails on a line with a stack trace or an unexpected connection failure since the last call, then forgets. */
    void assertNoUnexpectedFailure(String context) {
        for (LogCapture.Line line : capture.lines()) {
            assertFalse(line.hasThrowable() || line.toString().startsWith("ERROR action: conexion"),
                    context + ": unexpected failure logged: " + line);
        }
        capture.clear();
    }

    @Override
    public void close() {
        capture.close();
        if (console != null) {
            root.addAppender(console);
        }
    }
}
