package ar.loteria.soak;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The store checked against the agencies' inputs as it grows. Every complete row must be the next bet of its
 * agency's input, so at every scan each agency's rows are a prefix of its input: nothing stored twice, skipped or
 * out of order. A scan reads only the bytes added since the last one (the store is only appended to; a restarted
 * central cuts a torn tail, never a whole row); the bytes after the last complete row are the torn tail. After the
 * first problem it stops checking and keeps reporting that problem. Used on one thread (the soak's).
 */
final class StoreCheck {

    /** Fields of a store row: agency, then the bet's five. */
    static final int STORE_FIELDS = 6;

    /**
     * One scan's view of the store.
     *
     * @param rows      complete rows per agency (index 0 is agency 1)
     * @param bytes     the file's size
     * @param tailBytes bytes after the last complete row: a row cut short, which the next start must cut
     * @param problem   the first problem found so far, or null
     */
    record Scan(long[] rows, long bytes, long tailBytes, String problem) {

        long total() {
            return Arrays.stream(rows).sum();
        }
    }

    private final Path file;
    private final AgencyInputs inputs;
    private final long[] rows;
    /** Bytes of complete rows checked so far. */
    private long checked;
    private long rowsChecked;
    private String problem;

    StoreCheck(Path file, AgencyInputs inputs) {
        this.file = file;
        this.inputs = inputs;
        this.rows = new long[inputs.agencies()];
    }

    /** Checks the rows added since the last scan (none yet when the file does not exist). */
    Scan scan() throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            size = 0;
        }
        if (problem != null) {
            return new Scan(rows.clone(), size, Math.max(0, size - checked), problem);
        }
        if (size < checked) {
            problem = String.format(Locale.ROOT, "the store shrank to %,d bytes, below the %,d bytes of whole rows "
                    + "it held before: acknowledged rows lost", size, checked);
            return new Scan(rows.clone(), size, 0, problem);
        }
        byte[] added = readFrom(checked, size);
        CsvRows.Read read = CsvRows.read(added, 0, added.length, CsvRows.LineEnds.CRLF, checked);
        for (List<String> fields : read.rows()) {
            String trouble = check(fields);
            if (trouble != null) {
                problem = String.format(Locale.ROOT, "store row %,d: %s", rowsChecked + 1, trouble);
                return new Scan(rows.clone(), size, 0, problem);
            }
            rowsChecked++;
        }
        if (read.problem() != null) {
            problem = String.format(Locale.ROOT, "store row %,d does not read back as CSV: %s", rowsChecked + 1,
                    read.problem());
        }
        checked += read.end();
        return new Scan(rows.clone(), size, size - checked, problem);
    }

    /** Checks one complete row and counts it; returns what is wrong with it, or null. */
    private String check(List<String> fields) {
        if (fields.size() != STORE_FIELDS) {
            return "has " + fields.size() + " fields, not " + STORE_FIELDS + ": " + fields;
        }
        int agency;
        try {
            agency = Integer.parseInt(fields.get(0));
        } catch (NumberFormatException e) {
            agency = -1;
        }
        if (agency < 1 || agency > inputs.agencies()) {
            return "names agency " + fields.get(0) + ", not one of 1.." + inputs.agencies();
        }
        long index = rows[agency - 1];
        if (index >= inputs.bets(agency)) {
            return String.format(Locale.ROOT, "agency %d's bet #%,d, but its input has only %,d bets (a bet stored "
                    + "twice): %s", agency, index + 1, inputs.bets(agency), fields);
        }
        String expected = inputs.bet(agency, (int) index);
        String found = AgencyInputs.key(fields);
        if (!expected.equals(found)) {
            return String.format(Locale.ROOT, "agency %d's bet #%,d should be line %,d of %s, [%s], but the store "
                            + "has [%s] (a bet lost, stored twice or out of order)", agency, index + 1, index + 1,
                    inputs.file(agency).getFileName(), expected.replace('\0', ','), found.replace('\0', ','));
        }
        rows[agency - 1]++;
        return null;
    }

    private byte[] readFrom(long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(to - from));
        if (to > from) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                // up to the size seen, or the end of the file if it was cut meanwhile
                int read;
                do {
                    read = channel.read(buffer, from + buffer.position());
                } while (read >= 0 && buffer.hasRemaining());
            }
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /**
     * The whole store read again from its first byte: it must hold every agency's input exactly once, in order,
     * and end on a complete row. Returns what is wrong, or null.
     */
    static String complete(Path file, AgencyInputs inputs) throws IOException {
        StoreCheck full = new StoreCheck(file, inputs);
        Scan scan = full.scan();
        if (scan.problem() != null) {
            return scan.problem();
        }
        if (scan.tailBytes() > 0) {
            return String.format(Locale.ROOT, "the store ends with %,d bytes of a torn row", scan.tailBytes());
        }
        for (int id = 1; id <= inputs.agencies(); id++) {
            if (scan.rows()[id - 1] != inputs.bets(id)) {
                return String.format(Locale.ROOT, "the store holds %,d bets of agency %d, its input %,d",
                        scan.rows()[id - 1], id, inputs.bets(id));
            }
        }
        return null;
    }
}
