package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetRules;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams the bets of a UTF-8 CSV file, one record at a time: {@code first_name,last_name,document,birthdate,number}.
 * Records end with {@code \n}, {@code \r\n} or the end of the file; a leading byte order mark and empty lines are
 * skipped. Fields may be double-quoted as Python's {@code csv} module writes them (a doubled quote inside, commas
 * and line breaks allowed). Every record is checked with {@link BetRules}; a bad one is a {@link BetFileException}
 * naming the file and the line where the record starts. Only one record is held in memory.
 *
 * <p>Not thread-safe: one reader per thread, never the event loop (it blocks on the file).
 */
public final class BetCsvReader implements BetSource {

    /** Fields of a record. */
    public static final int FIELDS = 5;
    /** Longest field accepted, in chars: far above any valid field, it bounds memory on a runaway quote. */
    static final int MAX_FIELD_CHARS = 4096;

    private static final int EOF = -1;
    private static final char BOM = '\uFEFF';
    /** What a decoder puts in place of bytes that are not UTF-8. */
    private static final char REPLACEMENT = '\uFFFD';

    private final String file;
    private final Reader in;
    private final LocalDate today;
    private final char[] buffer = new char[8192];
    private final StringBuilder field = new StringBuilder(64);
    private final List<String> fields = new ArrayList<>(FIELDS);
    private int fieldCount;
    private int position;
    private int limit;
    private boolean started;
    private boolean closed;
    /** The line of the next char to read, from 1. */
    private long line = 1;
    /** The line where the record being read starts. */
    private long recordLine;

    /**
     * @param file  the name used in errors
     * @param in    the text to read; closed by {@link #close()}
     * @param today birthdates after this day are refused
     */
    public BetCsvReader(String file, Reader in, LocalDate today) {
        this.file = file;
        this.in = in;
        this.today = today;
    }

    /** A reader of {@code path}, checking birthdates against today's date. */
    public static BetCsvReader open(Path path) throws IOException {
        // Undecodable bytes become U+FFFD, which the record check reports with its exact line.
        Reader reader = new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8);
        return new BetCsvReader(path.toString(), reader, LocalDate.now());
    }

    @Override
    public Bet next() throws IOException, BetFileException {
        while (readRecord()) {
            if (fieldCount == 1 && fields.get(0).isBlank()) {
                continue;
            }
            return toBet();
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            in.close();
        }
    }

    /** Reads one record into {@link #fields}; false at the end of the file. */
    private boolean readRecord() throws IOException, BetFileException {
        fields.clear();
        fieldCount = 0;
        recordLine = line;
        int c = read();
        if (c == EOF) {
            return false;
        }
        while (true) {
            field.setLength(0);
            if (c == '"') {
                c = readQuoted();
            } else {
                while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                    append(c);
                    c = read();
                }
            }
            fieldCount++;
            if (fieldCount <= FIELDS) {
                fields.add(field.toString());
            }
            if (c != ',') {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                return true;
            }
            c = read();
        }
    }

    /** Reads a quoted field after its opening quote; returns the char after the closing quote. */
    private int readQuoted() throws IOException, BetFileException {
        while (true) {
            int c = read();
            if (c == EOF) {
                throw error("quoted field is not closed before the end of the file");
            }
            if (c == '"') {
                int after = read();
                if (after != '"') {
                    if (after != ',' && after != '\n' && after != '\r' && after != EOF) {
                        throw error("unexpected character '" + (char) after + "' after a closing quote");
                    }
                    return after;
                }
            }
            append(c);
        }
    }

    private void append(int c) throws BetFileException {
        if (field.length() == MAX_FIELD_CHARS) {
            throw error("field " + (fieldCount + 1) + " is longer than " + MAX_FIELD_CHARS + " characters");
        }
        field.append((char) c);
    }

    private Bet toBet() throws BetFileException {
        if (fieldCount != FIELDS) {
            throw error("expected " + FIELDS + " fields (first_name,last_name,document,birthdate,number), found "
                    + fieldCount);
        }
        for (String value : fields) {
            if (value.indexOf(REPLACEMENT) >= 0) {
                throw error("not valid UTF-8 text");
            }
        }
        String numberText = fields.get(4);
        int number;
        try {
            number = Integer.parseInt(numberText);
        } catch (NumberFormatException e) {
            throw error("number '" + numberText + "' is not an integer");
        }
        Bet bet = new Bet(fields.get(0), fields.get(1), fields.get(2), fields.get(3), number);
        String violation = BetRules.violation(bet, today);
        if (violation != null) {
            throw error(violation);
        }
        return bet;
    }

    private BetFileException error(String problem) {
        return new BetFileException(file, recordLine, problem);
    }

    /** The next char, counting lines ({@code \n}, {@code \r\n} or a lone {@code \r} end one). */
    private int read() throws IOException {
        if (position == limit && !fill()) {
            return EOF;
        }
        char c = buffer[position++];
        if (c == '\n' || (c == '\r' && peek() != '\n')) {
            line++;
        }
        return c;
    }

    private int peek() throws IOException {
        if (position == limit && !fill()) {
            return EOF;
        }
        return buffer[position];
    }

    private boolean fill() throws IOException {
        int count;
        do {
            count = in.read(buffer, 0, buffer.length);
        } while (count == 0);
        if (count < 0) {
            return false;
        }
        position = 0;
        limit = count;
        if (!started) {
            started = true;
            if (buffer[0] == BOM) {
                position = 1;
                return position < limit || fill();
            }
        }
        return true;
    }
}
