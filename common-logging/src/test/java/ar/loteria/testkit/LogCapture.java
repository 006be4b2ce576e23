package ar.loteria.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every log line written while it is attached to the root logger, so a test can check the lines the central
 * or an agency wrote. A line reads {@code LEVEL message} ({@code INFO action: connect | result: success}), the way
 * the tests quote them. Any thread may log; the test thread reads. Test-owned: close it.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One captured line; {@link #toString()} is {@code LEVEL message}. */
    public record Line(Level level, String message, boolean hasThrowable) {
        @Override
        public String toString() {
            return level + " " + message;
        }
    }

    private final Queue<Line> lines = new ConcurrentLinkedQueue<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

    private LogCapture() {
    }

    /** Starts capturing every line logged from now on, until {@link #close}. */
    public static LogCapture attach() {
        LogCapture capture = new LogCapture();
        capture.setContext(capture.root.getLoggerContext());
        capture.setName("test-capture");
        capture.start();
        capture.root.addAppender(capture);
        return capture;
    }

    @Override
    protected void append(ILoggingEvent event) {
        lines.add(new Line(event.getLevel(), event.getFormattedMessage(), event.getThrowableProxy() != null));
    }

    /** Every line captured so far, in order. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Every line captured so far, each as {@code LEVEL message}. */
    public List<String> texts() {
        return lines.stream().map(Line::toString).toList();
    }

    /** The {@code LEVEL message} texts that contain {@code fragment}, in order. */
    public List<String> matching(String fragment) {
        return lines.stream().map(Line::toString).filter(text -> text.contains(fragment)).toList();
    }

    /** Whether some line's {@code LEVEL message} text contains {@code fragment}. */
    public boolean contains(String fragment) {
        return !matching(fragment).isEmpty();
    }

    /** Waits up to {@code timeout} for a line containing {@code fragment}, and returns its text. */
    public String await(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            List<String> found = matching(fragment);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no log line with [" + fragment + "] in:\n" + String.join("\n", texts()));
    }

    /** Forgets the lines captured so far. */
    public void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
