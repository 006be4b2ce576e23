package ar.loteria.central;

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
 * Keeps every log line written while it is attached to the root logger, as {@code LEVEL message}, so a test can
 * check the line the central logged for what it refused. Any thread may log; the test thread reads.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    /** One captured line. */
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

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Lines whose {@code LEVEL message} text contains {@code fragment}. */
    public List<Line> matching(String fragment) {
        return lines.stream().filter(line -> line.toString().contains(fragment)).toList();
    }

    /** Waits up to {@code timeout} for a line containing {@code fragment}, and returns it. */
    public Line await(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            List<Line> found = matching(fragment);
            if (!found.isEmpty()) {
                return found.get(0);
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no log line with [" + fragment + "] in:\n" + String.join("\n",
                lines.stream().map(Line::toString).toList()));
    }

    public void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
