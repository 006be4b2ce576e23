package ar.loteria.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

import java.nio.charset.StandardCharsets;

/**
 * The course's log format, set up in code when logback starts (found through {@code META-INF/services}): every line
 * {@code YYYY-MM-DD HH:MM:SS LEVEL    message} on standard output, UTF-8, written line by line as it happens (or a
 * thread's held lines at once, {@link HeldLines}), root level INFO until {@link LogLevels#apply} sets the configured
 * one; logback's own status messages stay quiet.
 * Configuring in code spares each program's start the parsing of an XML configuration, which took most of the
 * time before a central listens. Runs once, on the thread that first asks for a logger.
 */
public final class CourseLogFormat extends ContextAwareBase implements Configurator {

    /** The line layout, in logback's pattern syntax. */
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss} %-8level %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        context.getStatusManager().add(new NopStatusListener());
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setPattern(PATTERN);
        encoder.start();
        CourseConsoleAppender stdout = new CourseConsoleAppender();
        stdout.setContext(context);
        stdout.setName("STDOUT");
        stdout.setEncoder(encoder);
        stdout.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(stdout);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
