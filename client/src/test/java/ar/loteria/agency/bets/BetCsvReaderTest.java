package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BetCsvReaderTest {

    private static final LocalDate TODAY = LocalDate.of(2024, 6, 1);
    private static final Bet LORCA = new Bet("Santiago Lionel", "Lorca", "30904465", "1999-03-17", 2201);
    private static final Bet RIVERA = new Bet("Tiago Nicolás", "Rivera", "34407251", "2001-08-29", 1033);

    @TempDir
    Path dir;

    static Stream<Arguments> lineLayouts() {
        return Stream.of(
                Arguments.of("LF lines", "Santiago Lionel,Lorca,30904465,1999-03-17,2201\n"
                        + "Tiago Nicolás,Rivera,34407251,2001-08-29,1033\n"),
                Arguments.of("a byte order mark, then a last line without a line break",
                        "\uFEFFSantiago Lionel,Lorca,30904465,1999-03-17,2201\r\n"
                        + "Tiago Nicolás,Rivera,34407251,2001-08-29,1033"),
                Arguments.of("empty and blank lines, skipped",
                        "\n\r\nSantiago Lionel,Lorca,30904465,1999-03-17,2201\n\n  \n"
                        + "Tiago Nicolás,Rivera,34407251,2001-08-29,1033\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineLayouts")
    void readsEveryBetWhateverTheLineLayout(String layout, String text) throws Exception {
        // when
        List<Bet> bets = readAll(text);

        // then
        assertEquals(List.of(LORCA, RIVERA), bets);
    }

    @Test
    void readsCrlfLinesWithAccentsAsTheCourseDataHasThem() throws Exception {
        // given: the bytes of the course's agency-1.csv, read from a real file
        Path file = dir.resolve("agency-1.csv");
        Files.write(file, ("Santiago Lionel,Lorca,30904465,1999-03-17,2201\r\n"
                + "Tiago Nicolás,Rivera,34407251,2001-08-29,1033\r\n").getBytes(StandardCharsets.UTF_8));

        // when
        List<Bet> bets = new ArrayList<>();
        try (BetCsvReader reader = BetCsvReader.open(file)) {
            for (Bet bet = reader.next(); bet != null; bet = reader.next()) {
                bets.add(bet);
            }
        }

        // then
        assertEquals(List.of(LORCA, RIVERA), bets);
    }

    @Test
    void keepsLeadingZerosOfDocuments() throws Exception {
        // when
        List<Bet> bets = readAll("Ana,Paz,00000042,1980-01-01,0\n");

        // then
        assertEquals("00000042", bets.get(0).document());
        assertEquals(0, bets.get(0).number());
    }

    @Test
    void readsQuotedFieldsWithCommaQuoteAndLineBreakInside() throws Exception {
        // when
        List<Bet> bets = readAll("\"Peña, María\",\"O\"\"Higgins\r\nSur\",\"00000042\",1980-01-01,\"7574\"\r\n"
                + "Ana,Paz,123,1980-01-01,1\r\n");

        // then
        assertEquals(List.of(new Bet("Peña, María", "O\"Higgins\r\nSur", "00000042", "1980-01-01", 7574),
                new Bet("Ana", "Paz", "123", "1980-01-01", 1)), bets);
    }

    @Test
    void errorNamesFileAndLineOfTheBadRecord() {
        // given: line 3 is bad, and a quoted line break before it counts as a line
        String text = "\"Ana\r\nMaría\",Paz,1,1980-01-01,1\r\nAna,Paz,2,1980-01-01,12x\r\n";

        // when
        BetFileException error = assertThrows(BetFileException.class, () -> readAll(text));

        // then
        assertEquals("bets.csv", error.file());
        assertEquals(3, error.line());
        assertTrue(error.problem().contains("12x"), error.problem());
        assertEquals("bets.csv, line 3: " + error.problem(), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Ana,Paz,1,1980-01-01 | expected 5 fields",
        "Ana,Paz,1,1980-01-01,1,extra | found 6",
        "Ana,Paz,12a,1980-01-01,1 | document",
        "Ana,Paz,1,1980-13-01,1 | birthdate",
        "Ana,Paz,1,2030-01-01,1 | birthdate",
        "Ana,Paz,1,1980-01-01,10000 | number",
        "Ana,Paz,1,1980-01-01,-1 | number",
        ",Paz,1,1980-01-01,1 | first_name",
        "\"Ana\"x,Paz,1,1980-01-01,1 | after a closing quote",
        "\"Ana,Paz,1,1980-01-01,1 | not closed",
    })
    void rejectsBadRecordsWithAClearProblem(String line, String expected) {
        // when
        BetFileException error = assertThrows(BetFileException.class,
                () -> readAll("Ana,Paz,1,1980-01-01,1\n" + line + "\n"));

        // then
        assertEquals(2, error.line());
        assertTrue(error.problem().contains(expected), error.problem());
    }

    @Test
    void rejectsBytesThatAreNotUtf8AtTheirLine() throws IOException {
        // given
        Path file = dir.resolve("latin1.csv");
        byte[] good = "Ana,Paz,1,1980-01-01,1\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "Peña,Paz,1,1980-01-01,1\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(file, concat(good, good, bad));

        // when
        BetFileException error = assertThrows(BetFileException.class, () -> {
            try (BetCsvReader reader = BetCsvReader.open(file)) {
                while (reader.next() != null) {
                    continue;
                }
            }
        });

        // then
        assertEquals(3, error.line());
        assertTrue(error.problem().contains("UTF-8"), error.problem());
    }

    @Test
    void streamsRecordsWithoutReadingTheWholeInput() throws Exception {
        // given: an endless input that counts the chars handed out
        CountingEndlessReader endless = new CountingEndlessReader("Ana,Paz,00000042,1980-01-01,7574\r\n");

        // when
        try (BetCsvReader reader = new BetCsvReader("endless", endless, TODAY)) {
            for (int i = 0; i < 100_000; i++) {
                reader.next();
            }
        }

        // then: 100,000 records of 34 chars read, with no more than one buffer of read-ahead
        assertTrue(endless.served <= 100_000L * 34 + 8192, "read " + endless.served + " chars");
    }

    @Test
    void returnsNullAtTheEndEveryTime() throws Exception {
        // given
        try (BetCsvReader reader = new BetCsvReader("bets.csv", new StringReader(""), TODAY)) {
            // when / then
            assertNull(reader.next());
            assertNull(reader.next());
        }
    }

    private static List<Bet> readAll(String text) throws IOException, BetFileException {
        List<Bet> bets = new ArrayList<>();
        try (BetCsvReader reader = new BetCsvReader("bets.csv", new StringReader(text), TODAY)) {
            for (Bet bet = reader.next(); bet != null; bet = reader.next()) {
                bets.add(bet);
            }
        }
        return bets;
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** Repeats one line forever, counting the chars it hands out. */
    private static final class CountingEndlessReader extends Reader {

        private final String line;
        private long served;

        CountingEndlessReader(String line) {
            this.line = line;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            for (int i = 0; i < length; i++) {
                buffer[offset + i] = line.charAt((int) ((served + i) % line.length()));
            }
            served += length;
            return length;
        }

        @Override
        public void close() {
        }
    }
}
