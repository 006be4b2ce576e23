package ar.loteria.central.draw;

import ar.loteria.central.storage.BetStore;
import ar.loteria.central.storage.CsvBetStore;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class LotteryTest {

    private static final int WIN = Lottery.WINNING_NUMBER;

    @TempDir
    Path dir;

    private static Bet bet(String document, int number) {
        return new Bet("Ana, \"la\"", "Ñandú", document, "1990-05-17", number);
    }

    /** The bets as the central holds them after decoding a frame: wire bytes, not Bet objects. */
    private static CsvRows decoded(long agency, Bet... bets) {
        return CsvRows.render(agency, WireBatches.decoded(List.of(bets)));
    }

    private static Map<Long, List<String>> winnersOf(Lottery lottery, long... agencies) {
        Map<Long, List<String>> winners = new HashMap<>();
        for (long agency : agencies) {
            assertEquals(false, lottery.whenDrawn(agency, documents -> winners.put(agency, documents)));
        }
        return winners;
    }

    private static Map<Long, List<String>> readBack(Path file) throws IOException {
        Map<Long, List<String>> found = new HashMap<>();
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.documentsOfBetsOn(WIN, 0, found);
        }
        return found;
    }

    @Test
    void winnersAreTheStoredBetsOnTheWinningNumberBeforeAndAfterARestart() throws IOException {
        // given: a central that stored winners of agencies 1 and 2, then stopped before the draw
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            Lottery lottery = new Lottery(store, 2);
            assertTrue(lottery.store(decoded(1, bet("11", WIN), bet("12", 3)), 0).acknowledged());
            assertTrue(lottery.store(CsvRows.render(2, List.of(bet("21", WIN))), 0).acknowledged());
        }

        // when: a new central on the same file takes more bets, some winning, and both agencies finish
        Map<Long, List<String>> winners;
        try (CsvBetStore store = CsvBetStore.open(file)) {
            Lottery lottery = new Lottery(store, 2);
            assertTrue(lottery.store(decoded(1, bet("13", 9999), bet("14", WIN)), 2).acknowledged());
            assertTrue(lottery.store(decoded(2, bet("22", WIN)), 1).acknowledged());
            assertTrue(lottery.finish(1, 4).acknowledged());
            assertTrue(lottery.finish(2, 2).acknowledged());
            winners = winnersOf(lottery, 1, 2, 3);
        }

        // then: old and new winners, in store order, exactly what reading the whole file finds
        assertEquals(Map.of(1L, List.of("11", "14"), 2L, List.of("21", "22"), 3L, List.of()), winners);
        Map<Long, List<String>> fromFile = readBack(file);
        assertEquals(fromFile, Map.of(1L, winners.get(1L), 2L, winners.get(2L)));
    }

    @Test
    void aBatchThatCouldNotBeStoredWinsNothing() throws IOException {
        // given: a store whose second append fails
        BetStore store = mock(BetStore.class);
        when(store.countsAtOpen()).thenReturn(Map.of());
        Lottery lottery = new Lottery(store, 1);
        CsvRows stored = decoded(1, bet("1", WIN));
        CsvRows failing = decoded(1, bet("2", WIN));
        doThrow(new IOException("disk full")).when(store).append(List.of(failing));

        // when
        assertTrue(lottery.store(stored, 0).acknowledged());
        assertEquals(ErrorCode.STORAGE_FAILURE, lottery.store(failing, 1).code());
        assertTrue(lottery.finish(1, 1).acknowledged());

        // then: only the stored batch's winner, and the failed batch is not counted
        assertEquals(1, lottery.stored(1));
        assertEquals(Map.of(1L, List.of("1")), winnersOf(lottery, 1));
    }

    @Test
    void refusedBatchesWinNothing() throws IOException {
        // given
        try (CsvBetStore store = CsvBetStore.open(dir.resolve("bets.csv"))) {
            Lottery lottery = new Lottery(store, 1);

            // when: out of sequence, then a repeat of a stored batch, then one after the agency finished
            assertEquals(false, lottery.store(decoded(1, bet("5", WIN)), 3).acknowledged());
            assertTrue(lottery.store(decoded(1, bet("6", WIN)), 0).acknowledged());
            assertTrue(lottery.store(decoded(1, bet("6", WIN)), 0).acknowledged());
            assertTrue(lottery.finish(1, 1).acknowledged());
            assertEquals(false, lottery.store(decoded(1, bet("7", WIN)), 1).acknowledged());

            // then
            assertEquals(Map.of(1L, List.of("6")), winnersOf(lottery, 1));
        }
    }

    @Test
    void theDrawNeedsNoReadingOfTheStore() throws IOException {
        // given: a store that can be written but not read after it was opened
        BetStore store = mock(BetStore.class);
        when(store.countsAtOpen()).thenReturn(Map.of());
        List<Long> reads = new ArrayList<>();
        when(store.documentsOfBetsOn(any(int.class), any(long.class), any())).thenAnswer(call -> {
            reads.add(call.getArgument(1));
            return 0L;
        });
        Lottery lottery = new Lottery(store, 1);

        // when
        lottery.store(decoded(1, bet("8", WIN)), 0);
        lottery.finish(1, 1);

        // then: one read, at open, from the start
        assertEquals(List.of(0L), reads);
        assertEquals(Map.of(1L, List.of("8")), winnersOf(lottery, 1));
    }
}
