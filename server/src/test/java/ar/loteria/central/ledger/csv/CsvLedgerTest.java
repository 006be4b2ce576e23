package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
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

class CsvLedgerTest {

    private static final int WIN = WinningRule.NUMBER;

    @TempDir
    Path dir;

    private static Bet bet(String document, int number) {
        return new Bet("Ana, \"la\"", "Ñandú", document, "1990-05-17", number);
    }

    /** The bets as the central holds them after decoding a frame: wire bytes, not Bet objects. */
    private static Batch decoded(long agency, long first, Bet... bets) {
        return CsvLedger.PREPARER.prepare(new Batch(agency, first, WireBatches.decoded(List.of(bets))));
    }

    private static Map<Long, List<String>> winnersOf(Ledger ledger, long... agencies) {
        assertTrue(ledger.drawn());
        Map<Long, List<String>> winners = new HashMap<>();
        for (long agency : agencies) {
            winners.put(agency, ledger.winnersOf(agency));
        }
        return winners;
    }

    private static CsvLedger ledger(BetStore store, int agencies) throws IOException {
        return new CsvLedger(store, Path.of("bets.csv"), agencies, Clock.systemDefaultZone());
    }

    private static Outcome store(Ledger ledger, Batch batch) {
        return ledger.store(List.of(batch)).get(0);
    }

    private static Map<Long, List<String>> readBack(Path file) throws IOException {
        Map<Long, List<String>> found = new HashMap<>();
        try (CsvBetStore store = CsvBetStore.open(file)) {
            store.winningDocuments(found);
        }
        return found;
    }

    @Test
    void winnersAreTheStoredBetsOnTheWinningNumberBeforeAndAfterARestart() throws IOException {
        // given: a central that stored winners of agencies 1 and 2, then stopped before the draw
        Path file = dir.resolve("bets.csv");
        try (CsvBetStore store = CsvBetStore.open(file)) {
            CsvLedger ledger = ledger(store, 2);
            assertTrue(store(ledger, decoded(1, 0, bet("11", WIN), bet("12", 3))).acknowledged());
            assertTrue(store(ledger, new Batch(2, 0, List.of(bet("21", WIN)))).acknowledged());
        }

        // when: a new central on the same file takes more bets, some winning, and both agencies finish
        Map<Long, List<String>> winners;
        try (CsvBetStore store = CsvBetStore.open(file)) {
            CsvLedger ledger = ledger(store, 2);
            assertTrue(store(ledger, decoded(1, 2, bet("13", 9999), bet("14", WIN))).acknowledged());
            assertTrue(store(ledger, decoded(2, 1, bet("22", WIN))).acknowledged());
            assertTrue(ledger.finish(1, 4).acknowledged());
            assertTrue(ledger.finish(2, 2).acknowledged());
            winners = winnersOf(ledger, 1, 2, 3);
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
        CsvLedger ledger = ledger(store, 1);
        Batch stored = decoded(1, 0, bet("1", WIN));
        Batch failing = decoded(1, 1, bet("2", WIN));
        doThrow(new IOException("disk full")).when(store).append(List.of((RenderedRows) failing.prepared()));

        // when
        assertTrue(store(ledger, stored).acknowledged());
        assertEquals(ErrorCode.STORAGE_FAILURE, store(ledger, failing).code());
        assertTrue(ledger.finish(1, 1).acknowledged());

        // then: only the stored batch's winner, and the failed batch is not counted
        assertEquals(1, ledger.stored(1));
        assertEquals(Map.of(1L, List.of("1")), winnersOf(ledger, 1));
    }

    @Test
    void refusedBatchesWinNothing() throws IOException {
        // given
        try (CsvBetStore store = CsvBetStore.open(dir.resolve("bets.csv"))) {
            CsvLedger ledger = ledger(store, 1);

            // when: out of sequence, then a repeat of a stored batch, then one after the agency finished
            assertEquals(false, store(ledger, decoded(1, 3, bet("5", WIN))).acknowledged());
            assertTrue(store(ledger, decoded(1, 0, bet("6", WIN))).acknowledged());
            assertTrue(store(ledger, decoded(1, 0, bet("6", WIN))).acknowledged());
            assertTrue(ledger.finish(1, 1).acknowledged());
            assertEquals(false, store(ledger, decoded(1, 1, bet("7", WIN))).acknowledged());

            // then
            assertEquals(Map.of(1L, List.of("6")), winnersOf(ledger, 1));
        }
    }

    @Test
    void theDrawNeedsNoReadingOfTheStore() throws IOException {
        // given: a store that can be written but not read after it was opened
        BetStore store = mock(BetStore.class);
        when(store.countsAtOpen()).thenReturn(Map.of());
        List<String> reads = new ArrayList<>();
        org.mockito.Mockito.doAnswer(call -> reads.add("whole store")).when(store).winningDocuments(any());
        CsvLedger ledger = ledger(store, 1);

        // when
        store(ledger, decoded(1, 0, bet("8", WIN)));
        ledger.finish(1, 1);

        // then: one read, at open
        assertEquals(List.of("whole store"), reads);
        assertEquals(Map.of(1L, List.of("8")), winnersOf(ledger, 1));
    }
}
