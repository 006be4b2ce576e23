package ar.loteria.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.status.ErrorStatus;

import java.io.IOException;

/**
 * The course's standard output: logback's console appender, writing (and flushing) each line as it is logged,
 * except the lines of a thread that holds them ({@link HeldLines}), which are encoded at once and written together
 * when that thread releases them.
 *
 * <p>Any thread, as every logback appender; a thread's held lines belong to that thread.
 */
public final class CourseConsoleAppender extends ConsoleAppender<ILoggingEvent> {

    @Override
    protected void writeOut(ILoggingEvent event) throws IOException {
        HeldLines held = HeldLines.ofThisThreadIfHolding();
        if (held == null) {
            super.writeOut(event);
        } else {
            held.add(this, encoder.encode(event));
        }
    }

    /** Writes lines a thread held, whole, between other threads' lines, and flushes them. */
    void writeHeld(byte[] lines) {
        if (!isStarted()) {
            return;
        }
        streamWriteLock.lock();
        try {
            writeByteArrayToOutputStreamWithPossibleFlush(lines);
        } catch (IOException e) {
            addStatus(new ErrorStatus("could not write held log lines", this, e));
        } finally {
            streamWriteLock.unlock();
        }
    }
}
