package ar.loteria.central.ledger.postgres;

import ar.loteria.central.ledger.Batch;
import ar.loteria.codec.Bet;
import ar.loteria.codec.WireBets;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

/**
 * Writes batches as the body of {@code COPY bets (agency, position, first_name, last_name, document, birthdate,
 * number) FROM STDIN (FORMAT binary)}: PostgreSQL's binary copy format, so the server parses no text (a date is a
 * day count, a number four bytes) and a name's bytes go in as they came off the wire, already checked UTF-8.
 * Measured against text COPY and multi-row INSERTs in docs/PERFORMANCE.md.
 *
 * <p>One encoder per connection, on the thread that owns that connection; its buffer is reused.
 */
final class BetCopyEncoder {

    static final String COPY = "COPY bets (agency, position, first_name, last_name, document, birthdate, number) "
            + "FROM STDIN (FORMAT binary)";

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    private static final short FIELDS = 7;
    /** PostgreSQL counts dates in days from 2000-01-01. */
    private static final long EPOCH_2000 = LocalDate.of(2000, 1, 1).toEpochDay();
    /** Bytes of one tuple besides its text: count, two bigints, three text lengths, a date and an integer. */
    private static final int FIXED_BYTES = 2 + 2 * (4 + 8) + 3 * 4 + 2 * (4 + 4);

    private byte[] buffer = new byte[1 << 20];
    private int length;

    /** Encodes {@code batches}, each bet at its position in its agency's stream; then {@link #bytes()}. */
    void encode(List<Batch> batches) {
        length = 0;
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buffer, 0, SIGNATURE.length);
        length = SIGNATURE.length;
        putInt(0);
        putInt(0);
        for (Batch batch : batches) {
            List<Bet> bets = batch.bets();
            if (bets instanceof WireBets wire) {
                encode(batch.agency(), batch.first(), wire);
            } else {
                for (int i = 0; i < bets.size(); i++) {
                    encode(batch.agency(), batch.first() + i, bets.get(i));
                }
            }
        }
        ensure(2);
        putShort((short) -1);
    }

    byte[] bytes() {
        return buffer;
    }

    int length() {
        return length;
    }

    private void encode(long agency, long first, WireBets bets) {
        for (int i = 0; i < bets.size(); i++) {
            int text = bets.length(i, WireBets.FIRST_NAME) + bets.length(i, WireBets.LAST_NAME)
                    + bets.length(i, WireBets.DOCUMENT);
            // the birthdate's ten bytes are read in place before its four-byte value overwrites them
            ensure(FIXED_BYTES + text + bets.length(i, WireBets.BIRTHDATE));
            putKey(agency, first + i);
            wireText(bets, i, WireBets.FIRST_NAME);
            wireText(bets, i, WireBets.LAST_NAME);
            wireText(bets, i, WireBets.DOCUMENT);
            int end = bets.copyTo(i, WireBets.BIRTHDATE, buffer, length + 4);
            putDate(parseDate(buffer, length + 4, end - length - 4));
            putInt(4);
            putInt(bets.number(i));
        }
    }

    private void encode(long agency, long position, Bet bet) {
        byte[] firstName = bet.firstName().getBytes(StandardCharsets.UTF_8);
        byte[] lastName = bet.lastName().getBytes(StandardCharsets.UTF_8);
        byte[] document = bet.document().getBytes(StandardCharsets.UTF_8);
        byte[] birthdate = bet.birthdate().getBytes(StandardCharsets.US_ASCII);
        ensure(FIXED_BYTES + firstName.length + lastName.length + document.length);
        putKey(agency, position);
        putText(firstName);
        putText(lastName);
        putText(document);
        putDate(parseDate(birthdate, 0, birthdate.length));
        putInt(4);
        putInt(bet.number());
    }

    private void putKey(long agency, long position) {
        putShort(FIELDS);
        putInt(8);
        putLong(agency);
        putInt(8);
        putLong(position);
    }

    private void wireText(WireBets bets, int bet, int field) {
        int start = length + 4;
        int end = bets.copyTo(bet, field, buffer, start);
        putInt(end - start);
        length = end;
    }

    private void putText(byte[] text) {
        putInt(text.length);
        System.arraycopy(text, 0, buffer, length, text.length);
        length += text.length;
    }

    private void putDate(int days) {
        putInt(4);
        putInt(days);
    }

    /** Days from 2000-01-01 of a {@code YYYY-MM-DD} the central already validated. */
    private static int parseDate(byte[] text, int at, int count) {
        if (count != 10) {
            throw new IllegalArgumentException("birthdate of " + count + " bytes");
        }
        int year = digits(text, at, 4);
        int month = digits(text, at + 5, 2);
        int day = digits(text, at + 8, 2);
        return (int) (LocalDate.of(year, month, day).toEpochDay() - EPOCH_2000);
    }

    private static int digits(byte[] text, int at, int count) {
        int value = 0;
        for (int i = at; i < at + count; i++) {
            value = value * 10 + (text[i] - '0');
        }
        return value;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void putShort(short value) {
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putInt(int value) {
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }
}
