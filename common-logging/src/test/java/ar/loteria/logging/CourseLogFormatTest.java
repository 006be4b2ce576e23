package ar.loteria.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every program's log lines come out in the course's format, set up in code when logback starts. */
class CourseLogFormatTest {

    @Test
    void logbackStartsWithTheCourseFormatOnStandardOutput() {
        // when: this JVM's logback, started by the first logger anyone asked for
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        // then
        ConsoleAppender<?> stdout = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDOUT"));
        assertEquals(CourseLogFormat.PATTERN, ((PatternLayoutEncoder) stdout.getEncoder()).getPattern());
        assertEquals("System.out", stdout.getTarget());
    }

    @Test
    void writesTimeLevelAndMessageInUtf8OneLineAtATimeAtInfoAndAbove() {
        // given: a context of its own configured as logback configures each program's
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(new LogbackMDCAdapter());
            new CourseLogFormat().configure(context);
            org.slf4j.Logger log = context.getLogger("ar.loteria.test");

            // when
            log.info("action: sorteo | result: success");
            log.debug("action: apuesta_almacenada | result: success | dni: 1 | numero: 2");
            log.warn("María José");
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.DEBUG);
            log.debug("now shown");
            context.stop();
        } finally {
            System.setOut(original);
        }

        // then
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(4, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d INFO     action: sorteo \\| result: success"),
                lines[0]);
        assertTrue(lines[1].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d WARN     María José"), lines[1]);
        assertTrue(lines[2].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d DEBUG    now shown"), lines[2]);
        assertEquals("", lines[3]);
    }
}
