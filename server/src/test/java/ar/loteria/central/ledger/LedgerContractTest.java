package ar.loteria.central.ledger;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every ledger must do, whatever its store (PROTOCOL.md section 7): the same rules, outcomes and log lines.
 * A store's test extends this class and says only how to open a ledger on a new store of its own; a third store
 * passes these tests or it does not keep the protocol.
 */
public abstract class LedgerContractTest {

    private static final int WIN = WinningRule.NUMBER;
    private static final Pattern STORED_LINE = Pattern.compile("action: apuesta_recibida \\| result: success \\| "
            + "cantidad: (\\d+)$");

    private final List<Ledger> opened = new ArrayList<>();
    private LogCapture log;

    /**
     * Opens a ledger on this test's store, for a lottery that draws when {@code agencies} agencies have finished or
     * betting closes ({@code close}). The same store at every call: a call after {@link Ledger#close()} of the
     * previous ledger is a restart. The close is measured on the real clock.
     */
    protected abstract Ledger openOnTheStore(int agencies, CloseSettings close) throws Exception;

    @BeforeEach
    void captureTheLog() {
        log = LogCapture.attach();
    }

    @AfterEach
    void closeLedgers() {
        opened.forEach(Ledger::close);
        log.close();
    }

    private Ledger open(int agencies) throws Exception {
        return open(agencies, CloseSettings.NONE);
    }

    private Ledger open(int agencies, CloseSettings close) throws Exception {
        Ledger ledger = openOnTheStore(agencies, close);
        opened.add(ledger);
        return ledger;
    }

    /** A restart: the ledger closed, a new one opened on the same store. */
    private Ledger restart(Ledger ledger, int agencies) throws Exception {
        return restart(ledger, agencies, CloseSettings.NONE);
    }

    private Ledger restart(Ledger ledger, int agencies, CloseSettings close) throws Exception {
        ledger.close();
        return open(agencies, close);
    }

    /** Waits until {@code at} has passed, then tells the ledger, as the central's timer does. */
    private static void passTheClose(Ledger ledger, Instant at) throws InterruptedException {
        long millis = Duration.between(Instant.now(), at).toMillis() + 20;
        if (millis > 0) {
            Thread.sleep(millis);
        }
        ledger.timePassed();
    }

    /** {@code count} bets of {@code agency} from position {@code first}, decoded and prepared as the central does. */
    private static Batch batch(Ledger ledger, long agency, long first, int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long position = first + i;
            bets.add(new Bet("Ana, \"la\" " + position, "Ñandú", String.format("%08d", agency * 100_000 + position),
                    "1990-05-17", position % 4 == 1 ? WIN : (int) position % 9000));
        }
        return ledger.preparer().prepare(new Batch(agency, first, WireBatches.decoded(bets)));
    }

    /** The documents of the winning bets of {@code agency} among its first {@code count}, in its order. */
    private static List<String> winnersAmong(long agency, int count) {
        List<String> documents = new ArrayList<>();
        for (int position = 1; position < count; position += 4) {
            documents.add(String.format("%08d", agency * 100_000 + position));
        }
        return documents;
    }

    private static Outcome store(Ledger ledger, Batch batch) {
        return ledger.store(List.of(batch)).get(0);
    }

    private static void assertRefused(ErrorCode code, Outcome outcome) {
        assertEquals(Outcome.Kind.REFUSED, outcome.kind(), () -> "expected " + code + ", got " + outcome);
        assertEquals(code, outcome.code());
    }

    /** The {@code cantidad} values of the {@code apuesta_recibida | success} lines, added up. */
    private long betsLoggedAsStored() {
        long total = 0;
        for (String line : log.texts()) {
            Matcher matcher = STORED_LINE.matcher(line);
            if (matcher.find()) {
                total += Long.parseLong(matcher.group(1));
            }
        }
        return total;
    }

    @Test
    void aBatchThatContinuesItsAgencysStreamIsStored() throws Exception {
        // given
        Ledger ledger = open(2);

        // when
        Outcome first = store(ledger, batch(ledger, 1, 0, 10));
        Outcome second = store(ledger, batch(ledger, 1, 10, 5));

        // then
        assertEquals(Outcome.DONE, first);
        assertEquals(Outcome.DONE, second);
        assertEquals(15, ledger.stored(1));
        assertEquals(0, ledger.stored(2));
        assertEquals(15, betsLoggedAsStored());
    }

    @Test
    void aBatchStoredBeforeIsAcknowledgedAgainAndNotStoredTwice() throws Exception {
        // given
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 10));
        store(ledger, batch(ledger, 1, 10, 10));

        // when: the first batch resent, as after a reconnect
        Outcome again = store(ledger, batch(ledger, 1, 0, 10));

        // then
        assertEquals(Outcome.ALREADY_DONE, again);
        assertEquals(20, ledger.stored(1));
        assertEquals(20, betsLoggedAsStored());
        assertTrue(log.contains("action: lote_repetido | result: success | agency: 1 | apuestas: 10"));
    }

    @Test
    void aGapIsRefusedAndStoresNothing() throws Exception {
        // given
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 10));

        // when
        Outcome gap = store(ledger, batch(ledger, 1, 20, 10));

        // then
        assertRefused(ErrorCode.OUT_OF_SEQUENCE, gap);
        assertEquals(10, ledger.stored(1));
        assertTrue(log.contains("action: apuesta_recibida | result: fail | cantidad: 10 | agency: 1"));
    }

    @Test
    void aBatchOverlappingWhatIsStoredIsRefusedAndStoresNothing() throws Exception {
        // given
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 10));

        // when: it starts inside the stored bets and goes past them
        Outcome overlap = store(ledger, batch(ledger, 1, 5, 10));

        // then
        assertRefused(ErrorCode.OUT_OF_SEQUENCE, overlap);
        assertEquals(10, ledger.stored(1));
    }

    @Test
    void aGroupIsDecidedInOrderEachBatchAfterTheOnesBeforeIt() throws Exception {
        // given
        Ledger ledger = open(3);

        // when: one group holding a continuation of a batch of the same group, a repeat of it, a gap, and
        // another agency's first batch
        List<Outcome> outcomes = ledger.store(List.of(batch(ledger, 1, 0, 10), batch(ledger, 1, 10, 10),
                batch(ledger, 1, 0, 10), batch(ledger, 1, 30, 10), batch(ledger, 2, 0, 3)));

        // then
        assertEquals(Outcome.DONE, outcomes.get(0));
        assertEquals(Outcome.DONE, outcomes.get(1));
        assertEquals(Outcome.ALREADY_DONE, outcomes.get(2));
        assertRefused(ErrorCode.OUT_OF_SEQUENCE, outcomes.get(3));
        assertEquals(Outcome.DONE, outcomes.get(4));
        assertEquals(20, ledger.stored(1));
        assertEquals(3, ledger.stored(2));
        assertEquals(23, betsLoggedAsStored());
    }

    @Test
    void aNewBatchAfterTheAgencysFinishIsRefusedButARepeatIsAcknowledged() throws Exception {
        // given
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 10));
        assertEquals(Outcome.DONE, ledger.finish(1, 10));

        // when
        Outcome after = store(ledger, batch(ledger, 1, 10, 5));
        Outcome repeat = store(ledger, batch(ledger, 1, 0, 10));

        // then
        assertRefused(ErrorCode.BETS_AFTER_FINISH, after);
        assertEquals(Outcome.ALREADY_DONE, repeat);
        assertEquals(10, ledger.stored(1));
    }

    @Test
    void aNewBatchAfterTheDrawIsRefusedSayingWhatIsStoredButARepeatIsAcknowledged() throws Exception {
        // given: a lottery of one agency, drawn
        Ledger ledger = open(1);
        store(ledger, batch(ledger, 1, 0, 10));
        store(ledger, batch(ledger, 2, 0, 4));
        ledger.finish(1, 10);
        assertTrue(ledger.drawn());

        // when
        Outcome late = store(ledger, batch(ledger, 2, 4, 5));
        Outcome repeat = store(ledger, batch(ledger, 2, 0, 4));

        // then
        assertRefused(ErrorCode.DRAW_CLOSED, late);
        assertTrue(late.reason().contains("agency 2 has 4 bets stored"), late.reason());
        assertEquals(Outcome.ALREADY_DONE, repeat);
        assertEquals(4, ledger.stored(2));
    }

    @Test
    void aFinishWhoseTotalIsNotWhatIsStoredIsRefusedAndDoesNotCount() throws Exception {
        // given
        Ledger ledger = open(1);
        store(ledger, batch(ledger, 1, 0, 10));

        // when
        Outcome mismatch = ledger.finish(1, 11);

        // then: refused, not finished (its next batch is taken), no draw
        assertRefused(ErrorCode.COUNT_MISMATCH, mismatch);
        assertTrue(mismatch.reason().contains("says it sent 11 bets but 10 are stored"), mismatch.reason());
        assertFalse(ledger.drawn());
        assertEquals(Outcome.DONE, store(ledger, batch(ledger, 1, 10, 1)));
        assertTrue(log.contains("action: fin_apuestas | result: fail | agency: 1"));
    }

    @Test
    void aFinishCountsOnceAndTheDrawWaitsForDistinctAgencies() throws Exception {
        // given
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 8));

        // when: agency 1 finishes three times
        assertEquals(Outcome.DONE, ledger.finish(1, 8));
        assertEquals(Outcome.DONE, ledger.finish(1, 8));
        assertEquals(Outcome.DONE, ledger.finish(1, 8));

        // then: one agency finished, one fin_apuestas line, no draw yet
        assertFalse(ledger.drawn());
        assertEquals(1, ledger.view().agenciesFinished());
        assertEquals(1, log.matching("action: fin_apuestas | result: success | agency: 1").size());

        // and when the second agency finishes (with no bets at all), the draw is made, once
        assertEquals(Outcome.DONE, ledger.finish(2, 0));
        assertTrue(ledger.drawn());
        assertEquals(1, log.matching("action: sorteo | result: success").size());
    }

    @Test
    void theDrawGivesEachAgencyItsStoredWinnersInItsOrder() throws Exception {
        // given
        Ledger ledger = open(3);
        store(ledger, batch(ledger, 1, 0, 10));
        store(ledger, batch(ledger, 2, 0, 7));
        store(ledger, batch(ledger, 1, 10, 10));

        // when
        ledger.finish(1, 20);
        ledger.finish(2, 7);
        ledger.finish(3, 0);

        // then
        assertTrue(ledger.drawn());
        assertEquals(winnersAmong(1, 20), ledger.winnersOf(1));
        assertEquals(winnersAmong(2, 7), ledger.winnersOf(2));
        assertEquals(List.of(), ledger.winnersOf(3));
        assertEquals(List.of(), ledger.winnersOf(4));
        LedgerView view = ledger.view();
        assertTrue(view.drawn());
        assertEquals(27, view.betsStored());
        assertEquals(3, view.agenciesFinished());
    }

    @Test
    void aViewOfSomeAgenciesHasAtLeastTheirTalliesAndTheWholeLedgersTotals() throws Exception {
        // given: two agencies with bets, one of them finished
        Ledger ledger = open(3);
        store(ledger, batch(ledger, 1, 0, 10));
        store(ledger, batch(ledger, 2, 0, 6));
        ledger.finish(2, 6);

        // when: the view of agency 2 and of one the ledger does not know
        LedgerView view = ledger.view(List.of(2L, 9L));

        // then
        assertEquals(16, view.betsStored());
        assertEquals(1, view.agenciesFinished());
        assertTrue(view.agencies().contains(new AgencyTally(2, 6, true, -1)), String.valueOf(view.agencies()));
        assertTrue(view.agencies().stream().noneMatch(tally -> tally.agency() == 9), String.valueOf(view.agencies()));
        assertEquals(ledger.view().betsStored(), view.betsStored());
    }

    @Test
    void aLotteryOfNoAgenciesDrawsAtOnceAndTakesNoBets() throws Exception {
        // when
        Ledger ledger = open(0);

        // then
        assertTrue(ledger.drawn());
        assertRefused(ErrorCode.DRAW_CLOSED, store(ledger, batch(ledger, 1, 0, 3)));
        assertEquals(0, ledger.stored(1));
        assertEquals(List.of(), ledger.winnersOf(1));
    }

    @Test
    void aRestartOnTheSameStoreCarriesOnWithTheSameStreamsAndFinishes() throws Exception {
        // given: a ledger that stored bets of two agencies, one of which finished
        Ledger ledger = open(2);
        store(ledger, batch(ledger, 1, 0, 10));
        store(ledger, batch(ledger, 2, 0, 6));
        ledger.finish(1, 10);

        // when
        Ledger restarted = restart(ledger, 2);

        // then: the same positions, agency 1 still finished, the streams go on where they were
        assertEquals(10, restarted.stored(1));
        assertEquals(6, restarted.stored(2));
        assertEquals(Outcome.ALREADY_DONE, store(restarted, batch(restarted, 2, 0, 6)));
        assertRefused(ErrorCode.BETS_AFTER_FINISH, store(restarted, batch(restarted, 1, 10, 1)));
        assertEquals(Outcome.DONE, store(restarted, batch(restarted, 2, 6, 6)));
        assertFalse(restarted.drawn());
        assertEquals(Outcome.DONE, restarted.finish(2, 12));
        assertTrue(restarted.drawn());
        assertEquals(winnersAmong(1, 10), restarted.winnersOf(1));
        assertEquals(winnersAmong(2, 12), restarted.winnersOf(2));
    }

    @Test
    void aRestartAfterTheDrawKnowsTheSameWinners() throws Exception {
        // given
        Ledger ledger = open(1);
        store(ledger, batch(ledger, 1, 0, 9));
        ledger.finish(1, 9);
        assertTrue(ledger.drawn());
        List<String> winners = ledger.winnersOf(1);

        // when
        Ledger restarted = restart(ledger, 1);

        // then
        assertTrue(restarted.drawn());
        assertEquals(winnersAmong(1, 9), winners);
        assertEquals(winners, restarted.winnersOf(1));
        assertEquals(Outcome.DONE, restarted.finish(1, 9));
        assertRefused(ErrorCode.DRAW_CLOSED, store(restarted, batch(restarted, 2, 0, 1)));
    }

    @Test
    void atTheCloseTheDrawIsMadeOverWhatIsStoredAndLaterBetsAreRefused() throws Exception {
        // given: a lottery of three agencies that closes in a moment; agency 1 finished, agency 2 did not, agency 3
        // never came
        Instant closesAt = Instant.now().plusMillis(1_500).truncatedTo(ChronoUnit.MILLIS);
        Ledger ledger = open(3, new CloseSettings(closesAt, null));
        assertEquals(closesAt, ledger.closesAt());
        store(ledger, batch(ledger, 1, 0, 10));
        assertEquals(Outcome.DONE, ledger.finish(1, 10));
        assertEquals(Outcome.DONE, store(ledger, batch(ledger, 2, 0, 6)));
        assertFalse(ledger.drawn());

        // when
        passTheClose(ledger, closesAt);

        // then: drawn over every stored bet, finished or not; a new bet is refused saying what is stored
        assertTrue(ledger.drawn());
        assertEquals(winnersAmong(1, 10), ledger.winnersOf(1));
        assertEquals(winnersAmong(2, 6), ledger.winnersOf(2));
        Outcome late = store(ledger, batch(ledger, 2, 6, 3));
        assertRefused(ErrorCode.DRAW_CLOSED, late);
        assertTrue(late.reason().contains("agency 2 has 6 bets stored"), late.reason());
        assertEquals(6, ledger.stored(2));
        // a late FINISH of what is stored is taken, and counts
        assertEquals(Outcome.DONE, ledger.finish(2, 6));
        assertEquals(2, ledger.view().agenciesFinished());
        assertEquals(1, log.matching("action: sorteo | result: success").size());
        assertTrue(log.contains("action: cierre_apuestas | result: success | closed_at: " + closesAt
                + " | agencias_listas: 1 | agencias_sin_finalizar: 1 | agencias_sin_conectar: 1"), log.texts()::toString);
        assertTrue(log.contains("action: agencia_sin_finalizar | result: success | agency: 2 | apuestas: 6"));
    }

    @Test
    void aCloseAfterTheFirstFinishCountsFromItAndSurvivesARestart() throws Exception {
        // given: betting closes 2 s after the lottery's first FINISH
        CloseSettings close = new CloseSettings(null, Duration.ofSeconds(2));
        Ledger ledger = open(2, close);
        store(ledger, batch(ledger, 1, 0, 5));
        assertEquals(null, ledger.closesAt(), "no close before the first FINISH");

        // when
        Instant before = Instant.now().minusMillis(5);
        ledger.finish(1, 5);
        Instant closesAt = ledger.closesAt();

        // then
        assertTrue(closesAt != null && !closesAt.isBefore(before.plusSeconds(2))
                && closesAt.isBefore(Instant.now().plusSeconds(2).plusMillis(5)), String.valueOf(closesAt));
        Ledger restarted = restart(ledger, 2, close);
        assertEquals(closesAt, restarted.closesAt(), "the same close after a restart");
        assertEquals(Outcome.DONE, store(restarted, batch(restarted, 2, 0, 3)));
        passTheClose(restarted, closesAt);
        assertTrue(restarted.drawn());
        assertEquals(winnersAmong(2, 3), restarted.winnersOf(2));
    }

    @Test
    void aRestartAfterTheCloseDrawsAtStartWithTheSameWinners() throws Exception {
        // given: a lottery that closed with agency 2 unfinished
        Instant closesAt = Instant.now().plusMillis(1_000);
        CloseSettings close = new CloseSettings(closesAt, null);
        Ledger ledger = open(2, close);
        store(ledger, batch(ledger, 1, 0, 9));
        store(ledger, batch(ledger, 2, 0, 7));
        ledger.finish(1, 9);
        passTheClose(ledger, closesAt);
        assertTrue(ledger.drawn());
        List<String> winners = ledger.winnersOf(2);

        // when
        Ledger restarted = restart(ledger, 2, close);

        // then
        assertTrue(restarted.drawn());
        assertEquals(winnersAmong(2, 7), winners);
        assertEquals(winners, restarted.winnersOf(2));
        assertRefused(ErrorCode.DRAW_CLOSED, store(restarted, batch(restarted, 2, 7, 1)));
    }
}
