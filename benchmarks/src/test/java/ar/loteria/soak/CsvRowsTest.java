package ar.loteria.soak;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvRowsTest {

    private static CsvRows.Read read(String text, CsvRows.LineEnds ends) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return CsvRows.read(bytes, 0, bytes.length, ends, 0);
    }

    @Test
    void readsQuotedFieldsWithCommasQuotesAndLineBreaksAsPythonsCsvReaderDoes() {
        // when
        String text = "1,Ana,Díaz,0042,1999-03-17,7574\r\n2,\"O\"\"Neil, Jr\",\"a\r\nb\",1,2000-02-29,1\r\n";
        CsvRows.Read read = read(text, CsvRows.LineEnds.CRLF);

        // then
        assertNull(read.problem());
        assertEquals(List.of(List.of("1", "Ana", "Díaz", "0042", "1999-03-17", "7574"),
                List.of("2", "O\"Neil, Jr", "a\r\nb", "1", "2000-02-29", "1")), read.rows());
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, read.end());
    }

    @Test
    void bytesAfterTheLastCompleteRowAreLeftOutAndNotAProblem() {
        String whole = "1,a,b,1,2000-01-01,1\r\n";
        for (String torn : List.of("2", "2,a,b", "2,\"Half, writ", "2,\"quote\"", "2,a,b,1,2000-01-01,1\r")) {
            // when
            CsvRows.Read read = read(whole + torn, CsvRows.LineEnds.CRLF);

            // then
            assertNull(read.problem(), torn);
            assertEquals(1, read.rows().size(), torn);
            assertEquals(whole.length(), read.end(), torn);
        }
    }

    @Test
    void readsFromAnOffsetAndNamesTheProblemsByteCountedFromTheBase() {
        // given
        byte[] bytes = "xx1,a\r\n2,b\"c\r\n".getBytes(StandardCharsets.UTF_8);

        // when
        CsvRows.Read read = CsvRows.read(bytes, 2, bytes.length, CsvRows.LineEnds.CRLF, 100);

        // then: the row before the problem is read, the problem's byte counts from the base
        assertEquals(List.of(List.of("1", "a")), read.rows());
        assertEquals(7, read.end());
        assertEquals("a quote inside a plain field at byte 110", read.problem());
    }

    @Test
    void namesEveryBreachOfTheStoresFormat() {
        assertTrue(read("1,a\n", CsvRows.LineEnds.CRLF).problem().startsWith("a line ending in LF without CR"));
        assertTrue(read("1,a\rb\r\n", CsvRows.LineEnds.CRLF).problem().startsWith("a CR without LF"));
        assertTrue(read("1,\"a\"b\r\n", CsvRows.LineEnds.CRLF).problem().startsWith("text after a closing quote"));
        byte[] notUtf8 = {'1', ',', (byte) 0xc3, '(', '\r', '\n'};
        assertTrue(CsvRows.read(notUtf8, 0, notUtf8.length, CsvRows.LineEnds.CRLF, 0).problem()
                .startsWith("a field that is not UTF-8"));
    }

    @Test
    void betsFilesMayEndTheirLinesWithLfAndHaveEmptyLines() {
        // when
        CsvRows.Read read = read("a,b\n\r\nc,d\r\n", CsvRows.LineEnds.LF_OR_CRLF);

        // then
        assertNull(read.problem());
        assertEquals(List.of(List.of("a", "b"), List.of(), List.of("c", "d")), read.rows());
    }
}
