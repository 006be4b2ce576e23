package ar.loteria.central.ledger.csv;

import ar.loteria.central.SmallFilesystem;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.testkit.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FinishLogTest {

    @TempDir
    Path dir;

    private Path store() {
        return dir.resolve("bets.csv");
    }

    private void logHolds(String text) throws IOException {
        Files.writeString(FinishLog.pathFor(store()), text, StandardCharsets.US_ASCII);
    }

    @Test
    void whoFinishedIsKeptBesideTheStoreAndFoundAgainByTheNextOpen() throws IOException {
        // given: two agencies finished on a store of 300 bytes
        try (FinishLog log = FinishLog.open(store(), true, 0, Map.of(), false)) {
            assertEquals(FinishLog.Found.NOTHING, log.found());
            log.record(1, 3, 200);
            log.record(2, 2, 300);
        }

        // when: a restart on the same store
        try (FinishLog log = FinishLog.open(store(), false, 300, Map.of(1L, 3L, 2L, 2L), false)) {
            // then
            assertEquals(FinishLog.Found.RESTORED, log.found());
            assertEquals(Set.of(1L, 2L), log.finished());
        }
        assertEquals("bets.csv.finished", FinishLog.pathFor(store()).getFileName().toString());
    }

    @Test
    void aNewBetsFileStartsANewDrawWhateverTheLogHolds() throws IOException {
        // given: a log of agencies that finished with no bets, beside a bets file just created
        logHolds("4,0,0\n");

        // when
        try (FinishLog log = FinishLog.open(store(), true, 0, Map.of(), false)) {
            // then: nothing of it counts, and it is emptied
            assertEquals(Set.of(), log.finished());
            assertEquals(FinishLog.Found.DISCARDED, log.found());
        }
        assertEquals("", Files.readString(FinishLog.pathFor(store())));
    }

    @Test
    void aLogThatDoesNotFitTheStoreIsDiscarded() throws IOException {
        // given: a total that is not what the store holds for the agency, and a store smaller than the log saw
        logHolds("1,3,200\n2,5,300\n");

        // when / then
        try (FinishLog log = FinishLog.open(store(), false, 300, Map.of(1L, 3L, 2L, 2L), false)) {
            assertEquals(FinishLog.Found.DISCARDED, log.found());
            assertEquals(Set.of(), log.finished());
        }
        logHolds("1,3,200\n");
        try (FinishLog log = FinishLog.open(store(), false, 150, Map.of(1L, 3L), false)) {
            assertEquals(Set.of(), log.finished());
        }
    }

    @Test
    void aLineCutByACrashIsCutOffAndLoggedAndTheRestKeptAsItWas() throws IOException {
        // given
        logHolds("1,3,200\n2,2,3");

        // when
        try (LogCapture log = LogCapture.attach();
             FinishLog finishes = FinishLog.open(store(), false, 300, Map.of(1L, 3L, 2L, 2L), false)) {
            assertEquals(Set.of(1L), finishes.finished());
            assertEquals(List.of("WARN action: reparar_finalizadas | result: success | file: "
                    + FinishLog.pathFor(store()) + " | bytes_cortados: 5 | texto_cortado: 2,2,3 | agency: 2"),
                    log.matching("reparar_finalizadas"));
            finishes.record(2, 2, 300);
        }

        // then: the torn line is gone, and what came after it is whole
        assertEquals("1,3,200\n2,2,300\n", Files.readString(FinishLog.pathFor(store())));
    }

    @Test
    void aLogThatFitsIsNotWrittenAtOpen() throws IOException {
        // given
        logHolds("1,3,200\n");
        FileTime before = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(FinishLog.pathFor(store()), before);

        // when
        try (FinishLog finishes = FinishLog.open(store(), false, 300, Map.of(1L, 3L), false)) {
            assertEquals(FinishLog.Found.RESTORED, finishes.found());
        }

        // then
        assertEquals(before, Files.getLastModifiedTime(FinishLog.pathFor(store())));
        assertEquals(List.of("bets.csv.finished"), filesIn(dir));
    }

    @Test
    void bytesThatAreNotALogAreDiscarded() throws IOException {
        // given: not UTF-8, not ASCII digits, and a text that is not a log either
        for (byte[] bytes : List.of(new byte[] {(byte) 0xff, (byte) 0xfe, '\n'}, new byte[] {(byte) 0xc3},
                "1,3,200\nhello\n".getBytes(StandardCharsets.US_ASCII),
                "1,3,200\n\u0661,3,200\n".getBytes(StandardCharsets.UTF_8),
                "1,3,200\nnot a line start".getBytes(StandardCharsets.US_ASCII))) {
            Files.write(FinishLog.pathFor(store()), bytes);

            // when
            try (FinishLog finishes = FinishLog.open(store(), false, 300, Map.of(1L, 3L), false)) {
                // then
                assertEquals(FinishLog.Found.DISCARDED, finishes.found());
                assertEquals(Set.of(), finishes.finished());
            }
            assertEquals(0, Files.size(FinishLog.pathFor(store())));
        }
    }

    @Test
    void aLogThatCannotBeOpenedNamesItselfAndTheCause() throws IOException {
        // given
        Files.createDirectories(FinishLog.pathFor(store()));

        // when
        UnusableStoreException refused = assertThrows(UnusableStoreException.class,
                () -> FinishLog.open(store(), false, 0, Map.of(), false));

        // then
        assertEquals(FinishLog.pathFor(store()).toString(), refused.file());
        assertEquals("Is a directory", refused.getMessage());
    }

    @Test
    void aRecordTheDiskCannotTakeWholeLeavesNothingOfItsLine() throws Exception {
        // given: on a full filesystem, a log 4 bytes short of a page, so that the next line's first bytes are
        // written and the rest, needing a new page, is not
        try (SmallFilesystem disk = SmallFilesystem.mount(dir.resolve("tmpfs"), "size=64k")) {
            Path store = disk.root().resolve("bets.csv");
            String lines = linesOfLength(4092);
            Files.writeString(FinishLog.pathFor(store), lines, StandardCharsets.US_ASCII);
            disk.fill();
            try (FinishLog finishes = FinishLog.open(store, false, 0, Map.of(), false)) {

                // when
                assertThrows(IOException.class, () -> finishes.record(12345678, 0, 0));
            }

            // then: the log is as it was, and the next start keeps all of it
            assertEquals(lines, Files.readString(FinishLog.pathFor(store), StandardCharsets.US_ASCII));
            try (LogCapture log = LogCapture.attach();
                 FinishLog finishes = FinishLog.open(store, false, 0, Map.of(), false)) {
                assertEquals(FinishLog.Found.RESTORED, finishes.found());
                assertEquals(List.of(), log.matching("reparar_finalizadas"));
            }
        }
    }

    /** Lines {@code agency,0,0} exactly {@code length} bytes long, the last agency's number widened with zeros. */
    private static String linesOfLength(int length) {
        StringBuilder lines = new StringBuilder();
        for (int agency = 1; length - lines.length() > 23; agency++) {
            lines.append(agency).append(",0,0\n");
        }
        int digits = length - lines.length() - ",0,0\n".length();
        return lines.append("0".repeat(digits - 1)).append("9,0,0\n").toString();
    }

    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
