package ar.loteria.agency;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the messages logged while it is open, from any thread. */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

    LogCapture() {
        setContext(root.getLoggerContext());
        setName("capture");
        start();
        root.addAppender(this);
    }

    @Override
    protected void append(ILoggingEvent event) {
        messages.add(event.getLevel() + " " + event.getFormattedMessage());
    }

    /** Logged messages, each as "LEVEL message". */
    List<String> messages() {
        return List.copyOf(messages);
    }

    boolean contains(String text) {
        return messages.stream().anyMatch(message -> message.contains(text));
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
