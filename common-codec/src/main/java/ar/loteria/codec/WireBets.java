package ar.loteria.codec;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The bets of a decoded BETS frame, kept as their wire bytes (already checked to be well-formed UTF-8). A
 * {@link Bet} is built only when one is asked for, so the central, which validates and stores bytes, builds none.
 * Equal to any list of the same bets. Immutable; any thread.
 */
public final class WireBets extends AbstractList<Bet> implements RandomAccess {

    /** The text fields of a bet, in wire order. */
    public static final int FIRST_NAME = 0;
    public static final int LAST_NAME = 1;
    public static final int DOCUMENT = 2;
    public static final int BIRTHDATE = 3;
    static final int TEXT_FIELDS = 4;
    /** Layout ints per bet: one per text field and the number. */
    static final int SLOTS_PER_BET = TEXT_FIELDS + 1;
    private static final int START_MASK = (1 << 13) - 1;
    private static final int LENGTH_SHIFT = 13;
    private static final int CLASSES_SHIFT = 21;

    // Byte classes a text field can hold, recorded by the single pass that decodes it (see classes()).

    /** A byte of 0x80 or above: part of a multi-byte UTF-8 character. */
    public static final int NON_ASCII = 1;
    /** A control character: below 0x20 (tab and line breaks included) or 0x7F. */
    public static final int CONTROL = 2;
    /** A visible ASCII character, 0x21 to 0x7E. */
    public static final int VISIBLE_ASCII = 4;
    /** A {@code \r} or {@code \n}. */
    public static final int LINE_BREAK = 8;
    /** A {@code ,} or {@code "}. */
    public static final int COMMA_OR_QUOTE = 16;
    /** Anything but {@code 0}-{@code 9}. */
    public static final int NON_DIGIT = 32;

    /** The classes of every byte value, indexed by the unsigned byte. */
    private static final byte[] CLASS_OF = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            int classes = b < '0' || b > '9' ? NON_DIGIT : 0;
            if (b >= 0x80) {
                classes |= NON_ASCII;
            } else if (b < 0x20 || b == 0x7F) {
                classes |= CONTROL;
            } else if (b > 0x20) {
                classes |= VISIBLE_ASCII;
            }
            if (b == '\r' || b == '\n') {
                classes |= LINE_BREAK;
            }
            if (b == ',' || b == '"') {
                classes |= COMMA_OR_QUOTE;
            }
            CLASS_OF[b] = (byte) classes;
        }
    }

    private final byte[] bytes;
    /**
     * Per bet: one int per text field, its start (bits 0-12: a payload is under 8 kB), length (bits 13-20) and
     * byte classes (bits 21-26); then the number.
     */
    private final int[] layout;
    private final int size;

    WireBets(byte[] bytes, int[] layout, int size) {
        this.bytes = bytes;
        this.layout = layout;
        this.size = size;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Bet get(int index) {
        checkIndex(index);
        return new Bet(text(index, FIRST_NAME), text(index, LAST_NAME), text(index, DOCUMENT), text(index, BIRTHDATE),
                number(index));
    }

    /** The bet's number. */
    public int number(int bet) {
        return layout[bet * SLOTS_PER_BET + TEXT_FIELDS];
    }

    /** Length in bytes of a text field. */
    public int length(int bet, int field) {
        return layout[bet * SLOTS_PER_BET + field] >>> LENGTH_SHIFT & 0xFF;
    }

    /**
     * The byte classes ({@link #NON_ASCII}, {@link #CONTROL}, ...) that occur in a text field, or-ed together, so
     * that questions such as "does it need CSV quotes" or "is it all digits" take no second look at its bytes.
     */
    public int classes(int bet, int field) {
        return layout[bet * SLOTS_PER_BET + field] >>> CLASSES_SHIFT;
    }

    /**
     * The {@link #classes} of {@code bytes[from, to)}, and whether they are well-formed UTF-8: one branch-free pass
     * over the bytes, and a second look only at a field that holds non-ASCII bytes.
     *
     * @return the classes, or -1 when the bytes are not well-formed UTF-8
     */
    static int classesOf(byte[] bytes, int from, int to) {
        int classes = 0;
        for (int i = from; i < to; i++) {
            classes |= CLASS_OF[bytes[i] & 0xFF];
        }
        // Only a field with non-ASCII bytes needs a closer look at their UTF-8.
        return (classes & NON_ASCII) == 0 || Utf8.isValid(bytes, from, to) ? classes : -1;
    }

    /** The layout slot of a text field. */
    static int slot(int start, int length, int classes) {
        return start | length << LENGTH_SHIFT | classes << CLASSES_SHIFT;
    }

    /** A text field as a string. */
    public String text(int bet, int field) {
        return new String(bytes, start(bet, field), length(bet, field), StandardCharsets.UTF_8);
    }

    /** Copies a text field's bytes (its UTF-8) into {@code out} at {@code pos}; returns the position after. */
    public int copyTo(int bet, int field, byte[] out, int pos) {
        int length = length(bet, field);
        System.arraycopy(bytes, start(bet, field), out, pos, length);
        return pos + length;
    }

    /** As {@link #copyTo}, writing every {@code doubled} byte twice (a quote inside a quoted CSV field). */
    public int copyDoubling(int bet, int field, byte doubled, byte[] out, int pos) {
        int start = start(bet, field);
        int end = start + length(bet, field);
        for (int i = start; i < end; i++) {
            out[pos++] = bytes[i];
            if (bytes[i] == doubled) {
                out[pos++] = doubled;
            }
        }
        return pos;
    }

    /** The backing bytes, for the rules of this package only: never handed out. */
    byte[] bytes() {
        return bytes;
    }

    int start(int bet, int field) {
        return layout[bet * SLOTS_PER_BET + field] & START_MASK;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("bet " + index + " of " + size);
        }
    }
}
