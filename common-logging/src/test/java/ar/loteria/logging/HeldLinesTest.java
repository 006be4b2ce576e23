package ar.loteria.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thread that holds its lines writes them later, in order and with one write; other threads' lines do not wait. */
class HeldLinesTest {

    /** Standard output as the appender sees it: each write it gets, as text. */
    private final List<String> writes = new ArrayList<>();
    private PrintStream original;
    private LoggerContext context;
    private Logger log;

    @BeforeEach
    void courseFormatOnARecordedStandardOutput() {
        original = System.out;
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, true, StandardCharsets.UTF_8));
        context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        new CourseLogFormat().configure(context);
        log = context.getLogger("ar.loteria.test");
    }

    @AfterEach
    void restore() {
        HeldLines.release();
        context.stop();
        System.setOut(original);
    }

    @Test
    void heldLinesWaitUntilReleasedThenGoOutInOrderWithOneWrite() {
        // given
        HeldLines.hold();

        // when
        log.info("action: apuesta_recibida | result: success | cantidad: 100");
        log.info("action: fin_apuestas | result: success | agency: 7");
        log.warn("action: agencia_sin_finalizar | result: success | agency: 9");

        // then: nothing written yet
        assertEquals(List.of(), texts());

        // when
        HeldLines.release();

        // then: the three lines, in order, in one write
        assertEquals(1, writes.size(), String.valueOf(writes));
        String[] lines = writes.get(0).split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[0].endsWith("INFO     action: apuesta_recibida | result: success | cantidad: 100"), lines[0]);
        assertTrue(lines[1].endsWith("INFO     action: fin_apuestas | result: success | agency: 7"), lines[1]);
        assertTrue(lines[2].endsWith("WARN     action: agencia_sin_finalizar | result: success | agency: 9"), lines[2]);
    }

    @Test
    void afterTheReleaseLinesGoOutAsTheyHappenAgain() {
        // given
        HeldLines.hold();
        log.info("held");
        HeldLines.release();

        // when
        log.info("at once");

        // then
        assertEquals(2, writes.size(), String.valueOf(writes));
        assertTrue(writes.get(1).endsWith("INFO     at once\n"), writes.get(1));
    }

    @Test
    void anotherThreadsLinesDoNotWaitForTheHolder() throws InterruptedException {
        // given: this thread holds a line
        HeldLines.hold();
        log.info("held by the test thread");

        // when: another thread logs meanwhile
        Thread other = new Thread(() -> log.info("from another thread"));
        other.start();
        other.join();

        // then: its line is out, the held one is not
        assertEquals(1, writes.size(), String.valueOf(writes));
        assertTrue(writes.get(0).endsWith("INFO     from another thread\n"), writes.get(0));

        // when
        HeldLines.release();

        // then
        assertEquals(2, writes.size());
        assertTrue(writes.get(1).endsWith("INFO     held by the test thread\n"), writes.get(1));
    }

    @Test
    void releasingWithNothingHeldWritesNothing() {
        // when
        HeldLines.hold();
        HeldLines.release();
        HeldLines.release();

        // then
        assertEquals(List.of(), texts());
    }

    private List<String> texts() {
        return List.copyOf(writes);
    }
}
