package ar.loteria.logging;

import java.io.ByteArrayOutputStream;

/**
 * Lets one thread hold the lines it writes to the course's output ({@link CourseConsoleAppender}) and write them
 * later, all at once and in order, with one write: a thread that logs a line per message it handles pays one
 * system call for a round of them instead of one each. Only the holding thread's lines wait; every other thread's
 * go out as they happen. The holder releases them before anything it announces can be seen (a reply, say), so a
 * held line never comes out after what it announces.
 *
 * <p>Static, per thread: {@link #hold} and {@link #release} act on the calling thread only.
 */
public final class HeldLines {

    /** A thread's holder, made at its first {@link #hold}: threads that never hold (most) carry none. */
    private static final ThreadLocal<HeldLines> CURRENT = new ThreadLocal<>();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(8 * 1024);
    private boolean holding;
    /** Where the held lines go: the appender that encoded them. */
    private CourseConsoleAppender to;

    private HeldLines() {
    }

    /** From now on this thread's lines wait until {@link #release}. Holding already, it changes nothing. */
    public static void hold() {
        HeldLines held = CURRENT.get();
        if (held == null) {
            held = new HeldLines();
            CURRENT.set(held);
        }
        held.holding = true;
    }

    /**
     * Writes the lines this thread holds, in the order they were logged, with one write, and stops holding: later
     * lines go out as they happen again. Nothing held, nothing is written.
     */
    public static void release() {
        HeldLines held = CURRENT.get();
        if (held == null) {
            return;
        }
        held.holding = false;
        if (held.bytes.size() == 0) {
            return;
        }
        byte[] lines = held.bytes.toByteArray();
        held.bytes.reset();
        held.to.writeHeld(lines);
    }

    /**
     * The calling thread's holder when it holds (the appender adds its encoded lines), else {@code null}. Called by
     * the appender for every line.
     */
    static HeldLines ofThisThreadIfHolding() {
        HeldLines held = CURRENT.get();
        return held != null && held.holding ? held : null;
    }

    /** A line encoded by {@code appender}, kept for {@link #release}. */
    void add(CourseConsoleAppender appender, byte[] line) {
        to = appender;
        bytes.write(line, 0, line.length);
    }
}
