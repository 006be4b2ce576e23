package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;
import ar.loteria.codec.WireBets;

/**
 * Writes stored rows byte for byte as Python's {@code csv.writer} does with its default dialect: fields joined by
 * {@code ,}, a field quoted only when it holds {@code ,}, {@code "}, {@code \r} or {@code \n} (QUOTE_MINIMAL),
 * quotes doubled inside a quoted field, and every row ended by {@code \r\n}.
 *
 * <p>Static and stateless: any thread (the event loops render each batch's rows before it is queued).
 */
final class CsvRowFormat {

    private static final byte COMMA = ',';
    private static final byte QUOTE = '"';
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private CsvRowFormat() {
    }

    /** Upper bound of the bytes {@link #writeRow} needs for one bet. */
    static int maxRowBytes(Bet bet) {
        // Every char is at most 3 UTF-8 bytes (a surrogate pair is 2 chars for 4 bytes); quoting can double that.
        int text = bet.firstName().length() + bet.lastName().length() + bet.document().length()
                + bet.birthdate().length();
        return 2 * 3 * text + 4 * 2 + 10 + 1 + 5 + 5 + 2;
    }

    /**
     * Writes {@code agency, first_name, last_name, document, birthdate, number\r\n} at {@code pos}.
     *
     * @return the position after the row
     */
    static int writeRow(byte[] out, int pos, long agency, Bet bet) {
        pos = writeNumber(out, pos, agency);
        out[pos++] = COMMA;
        pos = writeField(out, pos, bet.firstName());
        out[pos++] = COMMA;
        pos = writeField(out, pos, bet.lastName());
        out[pos++] = COMMA;
        pos = writeField(out, pos, bet.document());
        out[pos++] = COMMA;
        pos = writeField(out, pos, bet.birthdate());
        out[pos++] = COMMA;
        pos = writeNumber(out, pos, bet.number());
        out[pos++] = CR;
        out[pos++] = LF;
        return pos;
    }

    /** Upper bound of the bytes {@link #writeRow(byte[], int, long, WireBets, int)} needs for one wire bet. */
    static int maxRowBytes(WireBets bets, int bet) {
        int text = 0;
        for (int field = 0; field < 4; field++) {
            text += bets.length(bet, field);
        }
        return 2 * text + 4 * 2 + 10 + 1 + 5 + 5 + 2;
    }

    /** As {@link #writeRow(byte[], int, long, Bet)}, from wire bytes: the same bytes, without building strings. */
    static int writeRow(byte[] out, int pos, long agency, WireBets bets, int bet) {
        pos = writeNumber(out, pos, agency);
        for (int field = 0; field < 4; field++) {
            out[pos++] = COMMA;
            pos = writeField(out, pos, bets, bet, field);
        }
        out[pos++] = COMMA;
        pos = writeNumber(out, pos, bets.number(bet));
        out[pos++] = CR;
        out[pos++] = LF;
        return pos;
    }

    private static int writeField(byte[] out, int pos, WireBets bets, int bet, int field) {
        if ((bets.classes(bet, field) & (WireBets.COMMA_OR_QUOTE | WireBets.LINE_BREAK)) == 0) {
            return bets.copyTo(bet, field, out, pos);
        }
        out[pos++] = QUOTE;
        pos = bets.copyDoubling(bet, field, QUOTE, out, pos);
        out[pos++] = QUOTE;
        return pos;
    }

    private static int writeField(byte[] out, int pos, String value) {
        int length = value.length();
        boolean ascii = true;
        boolean quote = false;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            ascii &= c < 0x80;
            quote |= c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            return ascii ? writeAscii(out, pos, value) : writeUtf8(out, pos, value);
        }
        out[pos++] = QUOTE;
        int start = 0;
        for (int i = value.indexOf('"'); i >= 0; i = value.indexOf('"', start)) {
            pos = writeUtf8(out, pos, value.substring(start, i + 1));
            out[pos++] = QUOTE;
            start = i + 1;
        }
        pos = writeUtf8(out, pos, value.substring(start));
        out[pos++] = QUOTE;
        return pos;
    }

    @SuppressWarnings("deprecation")
    private static int writeAscii(byte[] out, int pos, String value) {
        // The low byte of an ASCII char is its UTF-8 encoding; this copy is an intrinsic for compact strings.
        value.getBytes(0, value.length(), out, pos);
        return pos + value.length();
    }

    /** Encodes without an intermediate array; an unpaired surrogate becomes {@code ?}, as String.getBytes does. */
    private static int writeUtf8(byte[] out, int pos, String value) {
        int length = value.length();
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                out[pos++] = (byte) c;
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | c >> 6);
                out[pos++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int codePoint = Character.toCodePoint(c, value.charAt(++i));
                out[pos++] = (byte) (0xF0 | codePoint >> 18);
                out[pos++] = (byte) (0x80 | codePoint >> 12 & 0x3F);
                out[pos++] = (byte) (0x80 | codePoint >> 6 & 0x3F);
                out[pos++] = (byte) (0x80 | codePoint & 0x3F);
            } else if (Character.isSurrogate(c)) {
                out[pos++] = '?';
            } else {
                out[pos++] = (byte) (0xE0 | c >> 12);
                out[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
                out[pos++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return pos;
    }

    private static int writeNumber(byte[] out, int pos, long value) {
        if (value <= Integer.MAX_VALUE) {
            // int division: the compilers turn it into cheap arithmetic, a long one can be a runtime call
            return writeNumber(out, pos, (int) value);
        }
        // An agency id above 2^31 - 1 (ids are u32 on the wire): rare enough for the plain way.
        String digits = Long.toString(value);
        for (int i = 0; i < digits.length(); i++) {
            out[pos++] = (byte) digits.charAt(i);
        }
        return pos;
    }

    private static int writeNumber(byte[] out, int pos, int value) {
        if (value >= 0 && value < 10_000) {
            // Every bet number and most agencies: digits counted by comparisons, no division.
            int digits = value < 10 ? 1 : value < 100 ? 2 : value < 1_000 ? 3 : 4;
            int end = pos + digits;
            for (int i = end - 1; i >= pos; i--) {
                // value / 10, exact for 0 <= value < 43,699
                int tenth = (value * 52_429) >>> 19;
                out[i] = (byte) ('0' + value - tenth * 10);
                value = tenth;
            }
            return end;
        }
        if (value == 0) {
            out[pos++] = '0';
            return pos;
        }
        int digits = 0;
        for (int v = value; v > 0; v /= 10) {
            digits++;
        }
        for (int i = pos + digits - 1; i >= pos; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return pos + digits;
    }
}
