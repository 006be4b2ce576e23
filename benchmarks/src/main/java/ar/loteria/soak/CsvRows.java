package ar.loteria.soak;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records from UTF-8 bytes as Python's {@code csv.reader} reads its default dialect, but strictly: a
 * field is plain (no quote, comma or line break in it) or enclosed in quotes with each quote inside doubled, and a
 * record ends at a line end outside quotes. Whatever breaks that is a problem, reported with its byte offset. Bytes
 * after the last complete record (a row cut short) are not a problem: the read says where they begin. Written for
 * the soak, apart from the central's own scanner, so that it checks the store rather than repeats it. Stateless;
 * any thread.
 */
final class CsvRows {

    /** Which line ends end a record. */
    enum LineEnds {
        /** Only CRLF, as {@code csv.writer} (and so the store) writes them. */
        CRLF,
        /** LF or CRLF, as the agency's bets files may have them. */
        LF_OR_CRLF
    }

    /**
     * What a read found.
     *
     * @param rows    the complete records, each its fields (an empty line is an empty list)
     * @param end     the offset just after the last complete record: where the bytes that end no record begin
     * @param problem the first breach of the format (the records before it are in {@code rows}), or null
     */
    record Read(List<List<String>> rows, int end, String problem) {
    }

    private static final byte QUOTE = '"';
    private static final byte COMMA = ',';
    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private CsvRows() {
    }

    /** Reads the records of {@code bytes[from, to)}; a problem names its byte as {@code base} plus its index. */
    static Read read(byte[] bytes, int from, int to, LineEnds ends, long base) {
        List<List<String>> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        ByteArrayOutputStream field = new ByteArrayOutputStream();
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int recordStart = from;
        int pos = from;
        while (true) {
            // at the start of a field
            field.reset();
            boolean quoted = pos < to && bytes[pos] == QUOTE;
            if (quoted) {
                pos++;
                while (true) {
                    if (pos >= to) {
                        return new Read(rows, recordStart, null);
                    }
                    byte b = bytes[pos];
                    if (b != QUOTE) {
                        field.write(b);
                        pos++;
                    } else if (pos + 1 >= to) {
                        return new Read(rows, recordStart, null);
                    } else if (bytes[pos + 1] == QUOTE) {
                        field.write(QUOTE);
                        pos += 2;
                    } else {
                        pos++;
                        break;
                    }
                }
            } else {
                while (pos < to && bytes[pos] != COMMA && bytes[pos] != CR && bytes[pos] != LF) {
                    if (bytes[pos] == QUOTE) {
                        return new Read(rows, recordStart, "a quote inside a plain field at byte " + (base + pos));
                    }
                    field.write(bytes[pos]);
                    pos++;
                }
            }
            if (pos >= to) {
                return new Read(rows, recordStart, null);
            }
            String text;
            try {
                text = utf8.reset().decode(ByteBuffer.wrap(field.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                return new Read(rows, recordStart, "a field that is not UTF-8 before byte " + (base + pos));
            }
            byte next = bytes[pos];
            boolean emptyLine = fields.isEmpty() && !quoted && text.isEmpty();
            if (next == COMMA) {
                fields.add(text);
                pos++;
                continue;
            }
            if (next == CR) {
                if (pos + 1 >= to) {
                    return new Read(rows, recordStart, null);
                }
                if (bytes[pos + 1] != LF) {
                    return new Read(rows, recordStart, "a CR without LF outside quotes at byte " + (base + pos));
                }
                pos += 2;
            } else if (next == LF) {
                if (ends == LineEnds.CRLF) {
                    return new Read(rows, recordStart, "a line ending in LF without CR at byte " + (base + pos));
                }
                pos++;
            } else {
                return new Read(rows, recordStart, "text after a closing quote at byte " + (base + pos));
            }
            if (!emptyLine) {
                fields.add(text);
            }
            rows.add(fields);
            fields = new ArrayList<>();
            recordStart = pos;
        }
    }
}
