package ar.loteria.central.ledger.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void aLineCutByAKilledProcessIsLeftOutAndTheRestKept() throws IOException {
        // given
        logHolds("1,3,200\n2,2,3");

        // when
        try (FinishLog log = FinishLog.open(store(), false, 300, Map.of(1L, 3L, 2L, 2L), false)) {
            log.record(2, 2, 300);
        }

        // then: the torn line is gone, and what came after it is whole
        assertEquals("1,3,300\n2,2,300\n", Files.readString(FinishLog.pathFor(store())));
    }
}
