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

    private final byte[] bytes;
    /** Per bet: start and length of each text field, then the number. */
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
        return layout[bet * (2 * TEXT_FIELDS + 1) + 2 * TEXT_FIELDS];
    }

    /** Length in bytes of a text field. */
    public int length(int bet, int field) {
        return layout[bet * (2 * TEXT_FIELDS + 1) + 2 * field + 1];
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

    /** Whether a text field holds any of {@code set}'s bytes, which must be ASCII. */
    public boolean containsAny(int bet, int field, byte[] set) {
        byte highest = 0;
        for (byte b : set) {
            highest = (byte) Math.max(highest, b);
        }
        int start = start(bet, field);
        int end = start + length(bet, field);
        for (int i = start; i < end; i++) {
            byte candidate = bytes[i];
            // Most bytes are letters above every byte of the set: one comparison rules them out.
            if (candidate >= 0 && candidate <= highest) {
                for (byte b : set) {
                    if (candidate == b) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The backing bytes, for the rules of this package only: never handed out. */
    byte[] bytes() {
        return bytes;
    }

    int start(int bet, int field) {
        return layout[bet * (2 * TEXT_FIELDS + 1) + 2 * field];
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("bet " + index + " of " + size);
        }
    }
}
