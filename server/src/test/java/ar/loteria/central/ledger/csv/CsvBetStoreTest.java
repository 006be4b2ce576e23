package ar.loteria.central.ledger.csv;

import ar.loteria.central.SmallFilesystem;
import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CsvBetStoreTest {

    /** What Python 3's {@code csv.writer(f).writerow(...)} writes for the rows of {@link #trickyRows}. */
    private static final String PYTHON_BYTES = "1,Santiago Lionel,Lorca,30904465,1999-03-17,2201\r\n"
            + "12,\"Ana, \"\"la\"\"\",Ñandú,00000042,2000-02-29,7574\r\n"
            + "3,\"Lo\r\npez\",\"x\ny\",1,1950-01-01,0\r\n"
            + "4, lead,trail ,5,1960-06-30,9999\r\n"
            + "5,\"a\rb\",\"\"\"q\"\"\",7,1970-12-31,12\r\n";

    @TempDir
    Path dir;

    private static Map<Long, List<String>> onNumber(CsvBetStore store, int number) throws IOException {
        Map<Long, List<String>> found = new java.util.HashMap<>();
        store.documentsOn(number, found);
        return found;
    }

    @Test
    void winningDocumentsAreTheBetsOnTheWinningNumberPerAgencyInStoreOrder() throws IOException {
        // given: winners of two agencies, interleaved, among other bets (one on 574, a suffix of the winning number)
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.append(1, List.of(new Bet("A", "B", "11", "2000-01-01", 7574),
                    new Bet("C", "D", "12", "2000-01-01", 3)));
            store.append(2, List.of(new Bet("E \"q\"", "F", "21", "2000-01-01", 7574)));
            store.append(1, List.of(new Bet("G", "H", "13", "2000-01-01", 7574),
                    new Bet("I", "J", "14", "2000-01-01", 574)));
            Map<Long, List<String>> found = new java.util.HashMap<>();

            // when
            store.winningDocuments(found);

            // then
            assertEquals(Map.of(1L, List.of("11", "13"), 2L, List.of("21")), found);
            assertEquals(found, onNumber(store, 7574));
        }
    }

    private void trickyRows(CsvBetStore store) throws IOException {
        store.append(1, List.of(new Bet("Santiago Lionel", "Lorca", "30904465", "1999-03-17", 2201)));
        store.append(12, List.of(new Bet("Ana, \"la\"", "Ñandú", "00000042", "2000-02-29", 7574)));
        store.append(3, List.of(new Bet("Lo\r\npez", "x\ny", "1", "1950-01-01", 0)));
        store.append(4, List.of(new Bet(" lead", "trail ", "5", "1960-06-30", 9999)));
        store.append(5, List.of(new Bet("a\rb", "\"q\"", "7", "1970-12-31", 12)));
    }

    @Test
    void writesRowsByteForByteAsPythonCsvWriter() throws IOException {
        // given
        Path file = dir.resolve("bets.csv");

        // when
        try (CsvBetStore store = CsvBetStore.open(file)) {
            trickyRows(store);
        }

        // then
        assertEquals(PYTHON_BYTES, Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void encodesEveryKindOfCharacterAsUtf8() throws IOException {
        // given: two-, three- and four-byte characters, and an unpaired surrogate (Java writes it as '?')
        Path file = dir.resolve("bets.csv");
        String names = "Ñandú €uro 🎰 \ud800x";

        // when
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.append(7, List.of(new Bet(names, "ü", "1", "2000-01-01", 5)));
        }

        // then
        assertEquals("7," + names.replace('\ud800', '?') + ",ü,1,2000-01-01,5\r\n",
                Files.readString(file, StandardCharsets.UTF_8));
    }

    @Test
    void aStoreOpenedToSyncForcesEveryAppendToTheDiskAndOnlyThen() throws IOException {
        Path synced = dir.resolve("synced.csv");
        Path plain = dir.resolve("plain.csv");
        try (CsvBetStore store = CsvBetStore.open(synced, true); CsvBetStore other = CsvBetStore.open(plain)) {
            // when: one batch, then a group of two
            store.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));
            store.append(List.of(RenderedRows.render(2, List.of(new Bet("C", "D", "2", "2000-01-01", 6))),
                    RenderedRows.render(3, List.of(new Bet("E", "F", "3", "2000-01-01", 7)))));
            other.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));

            // then: one disk flush per append, the same rows as without, and none for the plain store
            assertEquals(2, store.syncs());
            assertEquals(-1, other.syncs(), "a store not opened to sync says so");
            assertEquals("1,A,B,1,2000-01-01,5\r\n2,C,D,2,2000-01-01,6\r\n3,E,F,3,2000-01-01,7\r\n",
                    Files.readString(synced));
        }
    }

    @Test
    void appendedRowsAreInTheFileBeforeAppendReturns() throws IOException {
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            // when
            store.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));

            // then: readable by another reader while the store is still open
            assertEquals("1,A,B,1,2000-01-01,5\r\n", Files.readString(file));
        }
    }

    @Test
    void readsBackEveryFieldIncludingQuotedLineBreaks() throws IOException {
        // given
        Path file = dir.resolve("bets.csv");
        List<String> documents = new ArrayList<>();
        try (CsvBetStore store = CsvBetStore.open(file)) {
            trickyRows(store);
            // when
            Map<Long, List<String>> onZero = onNumber(store, 0);
            Map<Long, List<String>> onWinning = onNumber(store, 7574);
            documents.addAll(onZero.get(3L));
            documents.addAll(onWinning.get(12L));
            // then
            assertEquals(1, onZero.size());
            assertEquals(1, onWinning.size());
        }
        assertEquals(List.of("1", "00000042"), documents);
    }

    @Test
    void countsRowsPerAgencyWhenReopened() throws IOException {
        // given
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            trickyRows(store);
            store.append(1, List.of(new Bet("C", "D", "2", "2001-01-01", 1), new Bet("E", "F", "3", "2001-01-01", 2)));
        }

        // when
        try (CsvBetStore reopened = CsvBetStore.open(file)) {
            // then
            assertEquals(Map.of(1L, 3L, 12L, 1L, 3L, 1L, 4L, 1L, 5L, 1L), reopened.countsAtOpen());
        }
    }

    @Test
    void carriesOnAppendingToAnExistingFileWithoutTruncating() throws IOException {
        // given
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));
        }

        // when
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.append(2, List.of(new Bet("C", "D", "2", "2000-01-01", 6)));
        }

        // then
        assertEquals("1,A,B,1,2000-01-01,5\r\n2,C,D,2,2000-01-01,6\r\n", Files.readString(file));
    }

    @Test
    void cutsAHalfWrittenLastRowAtOpen() throws IOException {
        // given: a killed process left half a row, inside an open quote
        Path file = dir.resolve("bets.csv");
        Files.writeString(file, "1,A,B,1,2000-01-01,5\r\n2,\"Half, writ", StandardCharsets.UTF_8);

        // when
        try (CsvBetStore store = CsvBetStore.open(file)) {
            // then
            assertEquals(Map.of(1L, 1L), store.countsAtOpen());
            store.append(2, List.of(new Bet("C", "D", "2", "2000-01-01", 6)));
        }
        assertEquals("1,A,B,1,2000-01-01,5\r\n2,C,D,2,2000-01-01,6\r\n", Files.readString(file));
    }

    @Test
    void cutsARowMissingOnlyItsLineFeed() throws IOException {
        Path file = dir.resolve("bets.csv");
        Files.writeString(file, "1,A,B,1,2000-01-01,5\r\n2,C,D,2,2000-01-01,6\r", StandardCharsets.UTF_8);

        try (CsvBetStore store = CsvBetStore.open(file)) {
            assertEquals(Map.of(1L, 1L), store.countsAtOpen());
        }
        assertEquals("1,A,B,1,2000-01-01,5\r\n", Files.readString(file));
    }

    @Test
    void refusesToOpenAFileWhoseRowsAreNotBets() throws IOException {
        // given
        Path file = dir.resolve("bets.csv");
        Files.writeString(file, "1,A,B,1,2000-01-01,5\r\nthis is not a bet\r\n", StandardCharsets.UTF_8);

        // when / then
        CorruptStoreException error = assertThrows(CorruptStoreException.class, () -> CsvBetStore.open(file));
        assertTrue(error.getMessage().contains("row 2"), error.getMessage());
        assertEquals(41, Files.size(file), "a refused store is left untouched");
    }

    @Test
    void createsTheFileAndItsFolder() throws IOException {
        Path file = dir.resolve("nested/store/bets.csv");

        try (CsvBetStore store = CsvBetStore.open(file)) {
            assertEquals(Map.of(), store.countsAtOpen());
        }
        assertTrue(Files.exists(file));
    }

    @Test
    void readsBackAStoreLargerThanOneReadChunk() throws IOException {
        // given: ~3 MB of rows, so the scanner crosses several 1 MiB chunks, fields split across them
        Path file = dir.resolve("bets.csv");
        int rows = 60_000;
        try (CsvBetStore store = CsvBetStore.open(file)) {
            List<Bet> batch = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                batch.add(new Bet("Nombre \"" + i + "\", largo", "Apellido\r\n" + i, String.format("%08d", i),
                        "1980-05-05", i % 100 == 0 ? 7574 : 1));
                if (batch.size() == 100) {
                    store.append(1 + i % 7, batch);
                    batch.clear();
                }
            }
            // when
            Map<Long, List<String>> winners = onNumber(store, 7574);
            // then
            assertEquals(rows / 100, winners.values().stream().mapToInt(List::size).sum());
        }
        try (CsvBetStore reopened = CsvBetStore.open(file)) {
            assertEquals(rows, reopened.countsAtOpen().values().stream().mapToLong(Long::longValue).sum());
        }
    }

    @Test
    void failedAppendLeavesNothingOfTheBatch() throws IOException {
        // given: a store whose file channel is closed under it, so the next write fails
        Path file = dir.resolve("bets.csv");
        CsvBetStore store = CsvBetStore.open(file);
        store.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));
        store.close();

        // when / then
        assertThrows(IOException.class, () -> store.append(1, List.of(new Bet("C", "D", "2", "2000-01-01", 6))));
        assertEquals("1,A,B,1,2000-01-01,5\r\n", Files.readString(file));
        Files.writeString(file, "", StandardOpenOption.APPEND);
    }

    @Test
    void theSizeFollowsTheAppendsAndAFailedOneLeavesTheFileAndTheSizeAsTheyWere() throws Exception {
        // given: a store on a small filesystem, with one row
        try (SmallFilesystem disk = SmallFilesystem.mount(dir.resolve("tmpfs"), "size=64k")) {
            Path file = disk.root().resolve("bets.csv");
            try (CsvBetStore store = CsvBetStore.open(file)) {
                store.append(1, List.of(new Bet("A", "B", "1", "2000-01-01", 5)));
                assertEquals(Files.size(file), store.size());

                // when: the disk is full, and a batch larger than a page cannot be written
                disk.fill();
                List<Bet> large = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    large.add(new Bet("Nombre " + i, "Apellido " + i, String.valueOf(10_000 + i), "2000-01-01", i));
                }
                assertThrows(IOException.class, () -> store.append(2, large));

                // then: the file and its size as before
                assertEquals("1,A,B,1,2000-01-01,5\r\n", Files.readString(file));
                assertEquals(Files.size(file), store.size());
            }
            // and a store opened again finds the same size
            try (CsvBetStore store = CsvBetStore.open(file)) {
                assertEquals(Files.size(file), store.size());
            }
        }
    }
}
