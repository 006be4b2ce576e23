package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoredRowScannerTest {

    @TempDir
    Path dir;

    /** Every row the plain parser finds on {@code number}, as agency/document pairs. */
    private static List<String> plainScan(Path file, int number) throws IOException {
        List<String> found = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            StoredRowScanner.scan(channel, (row, start, end, fields, line) -> {
                if (StoredRowScanner.number(row, start[fields - 1], end[fields - 1]) == number) {
                    found.add(StoredRowScanner.text(row, start[0], end[0]) + "/"
                            + StoredRowScanner.text(row, start[3], end[3]));
                }
            });
        }
        return found;
    }

    private static List<String> fastScan(Path file, int number) throws IOException {
        List<String> found = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            StoredRowScanner.scanRowsOn(channel, 0, number, (row, start, end, fields, line) -> found.add(
                    StoredRowScanner.text(row, start[0], end[0]) + "/" + StoredRowScanner.text(row, start[3], end[3])));
        }
        return found;
    }

    @Test
    void fastScanFindsExactlyWhatThePlainParserFinds() throws IOException {
        // given: a seeded mix of plain rows and rows quoted for commas, quotes and line breaks
        Random random = new Random(42);
        String[] names = {"Ana", "José María", "O\"Neil", "Pérez, hijo", "Lo\r\npez", "x\ny", "7574", ",7574"};
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            for (int i = 0; i < 20_000; i++) {
                int number = random.nextInt(4) == 0 ? 7574 : random.nextInt(10_000);
                store.append(1 + random.nextInt(9), List.of(new Bet(names[random.nextInt(names.length)],
                        names[random.nextInt(names.length)], String.valueOf(random.nextInt(1_000_000)),
                        "1990-01-01", number)));
            }
        }

        // when / then
        List<String> expected = plainScan(file, 7574);
        assertEquals(expected, fastScan(file, 7574));
        assertEquals(plainScan(file, 4), fastScan(file, 4));
        org.junit.jupiter.api.Assertions.assertTrue(expected.size() > 4_000, "the sample has winners");
    }

    @Test
    void fastScanIgnoresAnIncompleteLastRowAndLongerNumbers() throws IOException {
        Path file = dir.resolve("bets.csv");
        Files.writeString(file, "1,A,B,11,2000-01-01,7574\r\n2,C,D,22,2000-01-01,17574\r\n3,E,F,33,2000-01-01,7574",
                StandardCharsets.UTF_8);

        assertEquals(List.of("1/11"), fastScan(file, 7574));
    }

    @Test
    void fastScanOfAnEmptyFileFindsNothing() throws IOException {
        Path file = dir.resolve("bets.csv");
        Files.createFile(file);

        assertEquals(List.of(), fastScan(file, 7574));
    }
}
