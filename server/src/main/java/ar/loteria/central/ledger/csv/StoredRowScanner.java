package ar.loteria.central.ledger.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads the store back as Python's {@code csv.reader} would: {@code ,} separates fields, a field may be quoted
 * (with {@code ""} for a quote) and then hold commas and line breaks, a record ends at {@code \r\n} or {@code \n}
 * outside quotes. It streams the file in fixed-size chunks, so memory does not grow with the file.
 *
 * <p>Static entry points; each scan holds its own state. Used on the storage thread when the store opens.
 *
 * <p>Longer than the project's other classes on purpose: the byte-by-byte parser and the fast path that skips
 * unquoted rows not on the wanted number must agree on every row, and keeping them side by side, over one state
 * machine, is what keeps them agreeing ({@code StoredRowScannerTest} checks both against each other).
 */
final class StoredRowScanner {

    /** What the scanner reports for each complete row. */
    interface RowVisitor {
        /**
         * Called once per complete row with the six fields' raw bytes ({@code row[start[i] .. end[i])}, quotes
         * removed, doubled quotes still doubled).
         */
        void row(byte[] row, int[] start, int[] end, int fields, long lineNumber) throws IOException;
    }

    /** The scan's result: where the last complete row ends and how many rows there were. */
    record Result(long completeBytes, long rows) {
    }

    private static final int CHUNK = 1 << 20;
    private static final int MAX_FIELDS = 16;

    private StoredRowScanner() {
    }

    /** Scans {@code file} from its start; a trailing incomplete row is not reported, only left out of the result. */
    static Result scan(FileChannel file, RowVisitor visitor) throws IOException {
        return new StoredRowScanner.Pass(visitor).run(file, 0);
    }

    /**
     * Reports only the rows from byte {@code from} (a row boundary) on whose last field is {@code number}, exactly
     * as {@link #scan} would, but faster: the file
     * is mapped, a row without quotes is skipped unless it ends in {@code ,number}, and only a row holding a quote
     * goes through the byte-by-byte parser. Files beyond one mapping's reach are scanned the plain way.
     */
    static void scanRowsOn(FileChannel file, long from, int number, RowVisitor visitor) throws IOException {
        long size = file.size() - from;
        RowVisitor matching = (row, start, end, fields, line) -> {
            if (number(row, start[fields - 1], end[fields - 1]) == number) {
                visitor.row(row, start, end, fields, line);
            }
        };
        if (size > Integer.MAX_VALUE - Long.BYTES) {
            new Pass(matching).run(file, from);
            return;
        }
        if (size <= 0) {
            return;
        }
        MappedByteBuffer map = file.map(FileChannel.MapMode.READ_ONLY, from, size);
        map.order(ByteOrder.LITTLE_ENDIAN);
        byte[] suffix = ("," + number).getBytes(StandardCharsets.US_ASCII);
        Pass quoted = new Pass(matching);
        int limit = (int) size;
        int position = 0;
        while (position < limit) {
            int stop = newlineOrQuote(map, position, limit);
            if (stop < 0) {
                return;   // an incomplete last row is not a row
            }
            if (map.get(stop) == '"') {
                // Exact parsing for this row, from its start, until the parser reports it.
                long before = quoted.rows;
                int i = position;
                while (quoted.rows == before && i < limit) {
                    quoted.accept(map.get(i++));
                }
                if (quoted.rows == before) {
                    return;
                }
                position = i;
                continue;
            }
            int contentEnd = stop > position && map.get(stop - 1) == '\r' ? stop - 1 : stop;
            if (endsWith(map, position, contentEnd, suffix)) {
                byte[] row = new byte[contentEnd - position];
                map.get(position, row);
                int[] start = new int[MAX_FIELDS];
                int[] end = new int[MAX_FIELDS];
                int fields = 0;
                for (int j = 0; j < row.length; j++) {
                    if (row[j] == ',' && fields < MAX_FIELDS - 1) {
                        end[fields] = j;
                        start[++fields] = j + 1;
                    }
                }
                end[fields] = row.length;
                matching.row(row, start, end, fields + 1, -1);
            }
            position = stop + 1;
        }
    }

    /** Index of the first {@code \n} or {@code "} in {@code [from, limit)}, or -1; eight bytes at a time. */
    private static int newlineOrQuote(MappedByteBuffer map, int from, int limit) {
        int i = from;
        for (; i + Long.BYTES <= limit; i += Long.BYTES) {
            long word = map.getLong(i);
            long newline = word ^ 0x0A0A_0A0A_0A0A_0A0AL;
            long quote = word ^ 0x2222_2222_2222_2222L;
            long found = ((newline - 0x0101_0101_0101_0101L) & ~newline | (quote - 0x0101_0101_0101_0101L) & ~quote)
                    & 0x8080_8080_8080_8080L;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < limit; i++) {
            byte b = map.get(i);
            if (b == '\n' || b == '"') {
                return i;
            }
        }
        return -1;
    }

    private static boolean endsWith(MappedByteBuffer map, int from, int to, byte[] suffix) {
        if (to - from < suffix.length) {
            return false;
        }
        for (int k = 0; k < suffix.length; k++) {
            if (map.get(to - suffix.length + k) != suffix[k]) {
                return false;
            }
        }
        // ",7574" must be the whole last field: not ",17574"; the comma in the suffix sees to that.
        return true;
    }

    /** One pass over a file; holds the parser's state between chunks. */
    private static final class Pass {
        private final RowVisitor visitor;
        private byte[] row = new byte[4096];
        private int rowLength;
        private final int[] start = new int[MAX_FIELDS];
        private final int[] end = new int[MAX_FIELDS];
        private int fields;
        private boolean inQuotes;
        private boolean quoteSeen;   // inside quotes, the byte before was a quote: a doubled quote or the close
        private boolean fieldQuoted;
        private boolean pendingCr;
        private long offset;
        private long completeBytes;
        private long rows;

        Pass(RowVisitor visitor) {
            this.visitor = visitor;
        }

        Result run(FileChannel file, long from) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            long position = from;
            for (int read = file.read(chunk, position); read > 0; read = file.read(chunk, position)) {
                position += read;
                byte[] bytes = chunk.array();
                int i = 0;
                while (i < read) {
                    int next = atRowStart() ? simpleRow(bytes, i, read) : -1;
                    if (next >= 0) {
                        i = next;
                    } else {
                        accept(bytes[i++]);
                    }
                }
                chunk.clear();
            }
            return new Result(completeBytes, rows);
        }

        private boolean atRowStart() {
            return rowLength == 0 && fields == 0 && !inQuotes && !pendingCr && !fieldQuoted;
        }

        /**
         * The fast path for the common row: no quotes, wholly inside this chunk, ended by {@code \n} or
         * {@code \r\n}. Reports it straight from the chunk and returns where the next row starts, or -1 to leave
         * the row to the byte-by-byte parser.
         */
        private int simpleRow(byte[] bytes, int from, int limit) throws IOException {
            int count = 0;
            start[0] = from;
            for (int j = from; j < limit; j++) {
                byte b = bytes[j];
                if (b == ',') {
                    end[count] = j;
                    count = Math.min(count + 1, MAX_FIELDS - 1);
                    start[count] = j;
                    start[count]++;
                } else if (b == '\n' || b == '\r') {
                    int contentEnd = j;
                    if (b == '\r') {
                        if (j + 1 >= limit || bytes[j + 1] != '\n') {
                            break;
                        }
                        j++;
                    }
                    end[count] = contentEnd;
                    rows++;
                    visitor.row(bytes, start, end, count + 1, rows);
                    offset += j + 1 - from;
                    completeBytes = offset;
                    start[0] = 0;
                    return j + 1;
                } else if (b == '"') {
                    break;
                }
            }
            start[0] = 0;
            return -1;
        }

        private void accept(byte b) throws IOException {
            offset++;
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endRow(offset);
                    return;
                }
                endRow(offset - 1);   // a lone CR ends a record too, as in Python
            }
            if (inQuotes) {
                if (quoteSeen) {
                    quoteSeen = false;
                    if (b == '"') {
                        append(b);
                        return;
                    }
                    inQuotes = false;
                } else {
                    if (b == '"') {
                        quoteSeen = true;
                    } else {
                        append(b);
                    }
                    return;
                }
            }
            if (b == ',') {
                end[fields] = rowLength;
                fields = Math.min(fields + 1, MAX_FIELDS - 1);
                start[fields] = rowLength;
                fieldQuoted = false;
            } else if (b == '"' && start[fields] == rowLength && !fieldQuoted) {
                inQuotes = true;
                fieldQuoted = true;
            } else if (b == '\r') {
                pendingCr = true;
            } else if (b == '\n') {
                endRow(offset);
            } else {
                append(b);
            }
        }

        private void endRow(long rowEnd) throws IOException {
            end[fields] = rowLength;
            rows++;
            visitor.row(row, start, end, fields + 1, rows);
            rowLength = 0;
            fields = 0;
            start[0] = 0;
            fieldQuoted = false;
            completeBytes = rowEnd;
        }

        private void append(byte b) {
            if (rowLength == row.length) {
                row = java.util.Arrays.copyOf(row, row.length * 2);
            }
            row[rowLength++] = b;
        }
    }

    /** A field as text. */
    static String text(byte[] row, int start, int end) {
        return new String(row, start, end - start, StandardCharsets.UTF_8);
    }

    /** A field as a non-negative integer, or -1 when it is not one. */
    static long number(byte[] row, int start, int end) {
        if (start == end || end - start > 18) {
            return -1;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            int digit = row[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }
}
