package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.TestPostgres;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PostgreSQL ledger on a real PostgreSQL server, one new database per test; two ledgers are two centrals. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PostgresLedgerTest {

    private static final int WIN = WinningRule.NUMBER;
    private final List<Ledger> opened = new ArrayList<>();
    private LogCapture log;
    private String url;

    @BeforeEach
    void newDatabase() throws Exception {
        url = TestPostgres.shared().newDatabase();
        log = LogCapture.attach();
    }

    @AfterEach
    void closeLedgers() {
        opened.forEach(Ledger::close);
        log.close();
    }

    private PostgresLedger central(int agencies) throws UnusableStoreException {
        return central(url, agencies);
    }

    private PostgresLedger central(String database, int agencies) throws UnusableStoreException {
        PostgresLedger ledger = PostgresLedger.open(settings(database), agencies);
        opened.add(ledger);
        return ledger;
    }

    private static DatabaseSettings settings(String database) {
        return new DatabaseSettings(database, TestPostgres.USER, TestPostgres.PASSWORD);
    }

    /** {@code count} bets of {@code agency} from position {@code first}, decoded as the central holds them. */
    private static Batch batch(long agency, long first, int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long position = first + i;
            bets.add(new Bet("Ana, \"la\" " + position, "Ñandú", String.format("%08d", agency * 100_000 + position),
                    "1990-05-17", position % 7 == 3 ? WIN : (int) position));
        }
        return new Batch(agency, first, WireBatches.decoded(bets));
    }

    private static Outcome store(Ledger ledger, Batch batch) {
        return ledger.store(List.of(batch)).get(0);
    }

    /** Sends {@code batch} every 50 ms, as an agency would, until it is acknowledged or 20 s have passed. */
    private static Outcome storeOnceItAnswers(Ledger ledger, Batch batch) throws InterruptedException {
        Outcome stored = Outcome.refused(ErrorCode.STORAGE_FAILURE, "not tried");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!stored.acknowledged() && System.nanoTime() < deadline) {
            stored = store(ledger, batch);
            Thread.sleep(50);
        }
        return stored;
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
             Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<String> winnersOf(Batch... batches) {
        List<String> documents = new ArrayList<>();
        for (Batch batch : batches) {
            for (Bet bet : batch.bets()) {
                if (WinningRule.wins(bet.number())) {
                    documents.add(bet.document());
                }
            }
        }
        return documents;
    }

    @Test
    void createsItsTablesOnFirstStartAndStoresABatchResentToItOnlyOnce() throws Exception {
        // given: a new, empty database
        PostgresLedger central = central(1);
        Batch first = batch(1, 0, 10);

        // when: a batch is stored, then sent again after a reconnect
        Outcome stored = store(central, first);
        Outcome again = store(central, first);

        // then
        assertEquals(Outcome.Kind.DONE, stored.kind());
        assertEquals(Outcome.Kind.ALREADY_DONE, again.kind());
        assertEquals(10, query("SELECT count(*) FROM bets"));
        assertEquals(10, query("SELECT count(DISTINCT (agency, position)) FROM bets WHERE agency = 1"));
        assertEquals(1, log.matching("action: apuesta_recibida | result: success | cantidad: 10").size());
        assertEquals(1, log.matching("action: lote_repetido | result: success | agency: 1").size());
    }

    @Test
    void welcomeSaysWhatTheDatabaseHoldsWhicheverCentralAsks() throws Exception {
        // given: two centrals on one database; agency 1 stored 10 bets through the first
        PostgresLedger a = central(2);
        PostgresLedger b = central(2);
        assertTrue(store(a, batch(1, 0, 10)).acknowledged());

        // when: the agency moves to the second central, continues, and comes back to the first
        long welcomeAtB = b.stored(1);
        Outcome atB = store(b, batch(1, 10, 5));
        Outcome resentToA = store(a, batch(1, 10, 5));
        Outcome nextAtA = store(a, batch(1, 15, 5));

        // then: each answer follows the database, and every bet is there once
        assertEquals(10, welcomeAtB);
        assertEquals(Outcome.Kind.DONE, atB.kind());
        assertEquals(Outcome.Kind.ALREADY_DONE, resentToA.kind());
        assertEquals(Outcome.Kind.DONE, nextAtA.kind());
        assertEquals(20, a.stored(1));
        assertEquals(20, query("SELECT count(*) FROM bets WHERE agency = 1"));
    }

    @Test
    void aGapAnOverlapAndBetsAfterFinishAreRefusedAndStoreNothing() throws Exception {
        // given
        PostgresLedger a = central(2);
        PostgresLedger b = central(2);
        assertTrue(store(a, batch(1, 0, 10)).acknowledged());

        // when
        Outcome gap = store(b, batch(1, 12, 3));
        Outcome overlap = store(b, batch(1, 5, 10));
        Outcome wrongTotal = b.finish(1, 9);
        Outcome finish = b.finish(1, 10);
        Outcome afterFinish = store(a, batch(1, 10, 3));

        // then
        assertEquals(ErrorCode.OUT_OF_SEQUENCE, gap.code());
        assertEquals(ErrorCode.OUT_OF_SEQUENCE, overlap.code());
        assertEquals(ErrorCode.COUNT_MISMATCH, wrongTotal.code());
        assertTrue(finish.acknowledged());
        assertEquals(ErrorCode.BETS_AFTER_FINISH, afterFinish.code(), "a FINISH made at another central");
        assertEquals(10, query("SELECT count(*) FROM bets"));
        assertEquals(1, query("SELECT count(*) FROM finishes"));
    }

    @Test
    void theDrawIsMadeOnceAndEveryCentralLearnsOfItAndItsWinners() throws Exception {
        // given: two centrals; agency 1 bets at the first, agency 2 at the second
        PostgresLedger a = central(2);
        PostgresLedger b = central(2);
        CountDownLatch woken = new CountDownLatch(1);
        a.onDrawLearned(woken::countDown);
        Batch one = batch(1, 0, 20);
        Batch two = batch(2, 0, 30);
        assertTrue(store(a, one).acknowledged());
        assertTrue(store(b, two).acknowledged());

        // when: agency 1 finishes at the first, agency 2 (the last) at the second
        assertTrue(a.finish(1, 20).acknowledged());
        assertFalse(a.drawn());
        assertTrue(b.finish(2, 30).acknowledged());

        // then: the second drew; the first is woken by the notification and knows the same winners
        assertTrue(b.drawn());
        assertTrue(woken.await(10, TimeUnit.SECONDS), "the other central was not told of the draw");
        assertTrue(a.drawn());
        assertEquals(winnersOf(one), a.winnersOf(1));
        assertEquals(winnersOf(two), a.winnersOf(2));
        assertEquals(b.winnersOf(1), a.winnersOf(1));
        assertFalse(a.winnersOf(1).isEmpty());
        assertEquals(1, query("SELECT count(*) FROM lottery WHERE drawn_at IS NOT NULL"));
        assertEquals(50, query("SELECT bets FROM lottery"));
        assertEquals(2, log.matching("action: sorteo | result: success").size(), "one line per central");
        // and no bet is taken after it, at either central
        assertEquals(ErrorCode.DRAW_CLOSED, store(a, batch(3, 0, 1)).code());
        assertEquals(ErrorCode.DRAW_CLOSED, store(b, batch(3, 0, 1)).code());
    }

    @Test
    void aBatchAnotherCentralStoredIsAcknowledgedAgainEvenAfterTheDraw() throws Exception {
        // given: one central stored an agency's bets and its FINISH made the draw
        PostgresLedger first = central(1);
        Batch head = batch(1, 0, 5);
        assertEquals(Outcome.Kind.DONE, store(first, head).kind());
        assertTrue(first.finish(1, 5).acknowledged());

        // when: another central, which knows of the draw but never saw this agency, gets the same batch (the
        // agency's other connection, a little behind)
        PostgresLedger other = central(1);
        assertTrue(other.drawn());
        Outcome again = store(other, head);

        // then: acknowledged as already stored (the order of the checks in PROTOCOL.md), not DRAW_CLOSED; a new
        // batch is refused as after the draw
        assertEquals(Outcome.Kind.ALREADY_DONE, again.kind());
        assertEquals(ErrorCode.DRAW_CLOSED, store(other, batch(1, 5, 5)).code());
        assertEquals(5, query("SELECT count(*) FROM bets"));
    }

    @Test
    void aCentralStartedAfterTheDrawLearnsItAtStartAndALotteryOfNoAgenciesDrawsAtOnce() throws Exception {
        // given: a lottery drawn by a central that has stopped
        PostgresLedger first = central(1);
        Batch bets = batch(4, 0, 10);
        assertTrue(store(first, bets).acknowledged());
        assertTrue(first.finish(4, 10).acknowledged());
        first.close();

        // when
        PostgresLedger late = central(1);
        PostgresLedger none = central(TestPostgres.shared().newDatabase(), 0);

        // then
        assertTrue(late.drawn());
        assertEquals(winnersOf(bets), late.winnersOf(4));
        assertTrue(none.drawn());
    }

    @Test
    void aDrawLeftDueByACentralThatDiedIsMadeByTheNextCentralThatStarts() throws Exception {
        // given: the last FINISH was recorded, and its central died before the draw's own transaction
        PostgresLedger dead = central(1);
        Batch bets = batch(5, 0, 10);
        assertTrue(store(dead, bets).acknowledged());
        dead.close();
        execute("INSERT INTO finishes (agency, bets) VALUES (5, 10)");
        assertEquals(0, query("SELECT count(*) FROM lottery WHERE drawn_at IS NOT NULL"));

        // when
        PostgresLedger next = central(1);

        // then
        assertTrue(next.drawn());
        assertEquals(winnersOf(bets), next.winnersOf(5));
        assertEquals(1, query("SELECT count(*) FROM lottery WHERE drawn_at IS NOT NULL"));
    }

    @Test
    void aCentralOfAnotherNumberOfAgenciesIsRefused() throws Exception {
        // given
        central(3);

        // when / then
        UnusableStoreException refused = assertThrows(UnusableStoreException.class, () -> central(4));
        assertTrue(refused.getMessage().contains("waits for 3 agencies but AGENCIES is 4"), refused.getMessage());
    }

    @Test
    void twoCentralsStoringTheSameAgencysBatchesAtOnceStoreEachBetOnce() throws Exception {
        // given: one agency connected to two centrals at once, sending the same stream to both
        PostgresLedger a = central(1);
        PostgresLedger b = central(1);
        int batches = 200;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // when: each central takes the whole stream, batch by batch, resending a refused batch
            List<Future<Integer>> acknowledged = new ArrayList<>();
            for (PostgresLedger central : List.of(a, b)) {
                acknowledged.add(pool.submit(() -> {
                    int acks = 0;
                    for (int i = 0; i < batches; i++) {
                        Outcome outcome = store(central, batch(7, i * 5L, 5));
                        if (!outcome.acknowledged()) {
                            // A batch of the other central is being stored and not yet visible: ask again.
                            i--;
                            continue;
                        }
                        acks++;
                    }
                    return acks;
                }));
            }

            // then: both saw every batch acknowledged, and the database holds each bet exactly once
            assertEquals(batches, acknowledged.get(0).get(60, TimeUnit.SECONDS));
            assertEquals(batches, acknowledged.get(1).get(60, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(batches * 5L, query("SELECT count(*) FROM bets WHERE agency = 7"));
        assertEquals(batches * 5L - 1, query("SELECT max(position) FROM bets WHERE agency = 7"));
    }

    @Test
    void aDatabaseThatGoesAwayGetsBatchesRefusedAsStorageFailureAndTheCentralReconnectsByItself() throws Exception {
        try (TestPostgres own = TestPostgres.start()) {
            // given: a central on a database server of this test's own, with 10 bets stored
            String database = own.newDatabase();
            PostgresLedger central = central(database, 1);
            assertTrue(store(central, batch(1, 0, 10)).acknowledged());
            assertEquals(10, central.stored(1));

            // when: the server stops
            own.stop();
            Outcome refused = store(central, batch(1, 10, 10));
            long welcome = central.stored(1);
            Outcome finish = central.finish(1, 10);

            // then: nothing is acknowledged, HELLO is answered from what the central knows, and it says so
            assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
            assertEquals(ErrorCode.STORAGE_FAILURE, finish.code());
            assertEquals(10, welcome);
            log.await("action: base_de_datos | result: fail", Duration.ofSeconds(5));

            // and when it is back, the central stores again without being restarted
            own.restart();
            Outcome stored = storeOnceItAnswers(central, batch(1, 10, 10));
            assertEquals(Outcome.Kind.DONE, stored.kind());
            assertTrue(central.finish(1, 20).acknowledged());
            assertTrue(central.drawn());
            assertEquals(winnersOf(batch(1, 0, 10), batch(1, 10, 10)), central.winnersOf(1));
            log.await("action: base_de_datos | result: success | url: " + database + " | lotes_rechazados: ",
                    Duration.ofSeconds(5));
            central.close();
        }
    }

    @Test
    void aDatabaseThatHangsIsGivenUpAfterTheSocketTimeoutAndTriedAgainNoSoonerThanAnAttemptLasts() throws Exception {
        try (TestPostgres own = TestPostgres.start()) {
            // given: a central on a server of this test's own, its URL asking for a 1 s socket timeout
            String database = own.newDatabase() + "?socketTimeout=1";
            PostgresLedger central = central(database, 1);
            assertTrue(store(central, batch(1, 0, 10)).acknowledged());

            // when: every process of the server stops answering (SIGSTOP), and batches keep coming for 7 s
            own.freeze();
            List<long[]> slow = new ArrayList<>();
            List<Outcome> outcomes = new ArrayList<>();
            try {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(7);
                while (System.nanoTime() < until) {
                    long started = System.nanoTime();
                    outcomes.add(store(central, batch(1, 10, 10)));
                    long ended = System.nanoTime();
                    if (ended - started > TimeUnit.MILLISECONDS.toNanos(300)) {
                        slow.add(new long[] {started, ended});
                    }
                    Thread.sleep(20);
                }
            } finally {
                own.thaw();
            }

            // then: every batch refused, the first one after the socket timeout rather than a minute; between the
            // slow calls (that one and each attempt to connect), batches are refused at once, for at least as long
            // as the last attempt took (2 s here: asked for TLS, then without)
            assertTrue(outcomes.stream().allMatch(o -> o.code() == ErrorCode.STORAGE_FAILURE), outcomes.toString());
            assertTrue(slow.size() >= 2, "the hang and at least one attempt to connect: " + slow.size());
            assertTrue(slow.get(0)[1] - slow.get(0)[0] < TimeUnit.SECONDS.toNanos(5), "the hang was given up");
            for (int i = 2; i < slow.size(); i++) {
                long lasted = Math.min(slow.get(i - 1)[1] - slow.get(i - 1)[0],
                        TimeUnit.MILLISECONDS.toNanos(StorageConnection.MAX_PAUSE_MILLIS));
                long pause = slow.get(i)[0] - slow.get(i - 1)[1];
                assertTrue(pause >= lasted * 9 / 10, "attempt " + i + " came " + pause / 1_000_000
                        + " ms after one that lasted " + lasted / 1_000_000 + " ms");
            }
            log.await("action: base_de_datos | result: fail", Duration.ofSeconds(5));

            // and once it answers again, the central stores without being restarted
            Outcome stored = storeOnceItAnswers(central, batch(1, 10, 10));
            assertEquals(Outcome.Kind.DONE, stored.kind());
            assertTrue(central.finish(1, 20).acknowledged());
            central.close();
        }
    }

    @Test
    void aServerThatTurnsReadOnlyCountsAsLostUntilItTakesWritesAgain() throws Exception {
        try (TestPostgres own = TestPostgres.start()) {
            // given: a central on a server of this test's own
            String database = own.newDatabase();
            PostgresLedger central = central(database, 1);
            assertTrue(store(central, batch(1, 0, 10)).acknowledged());

            // when: the server takes no more writes, as a primary being demoted or a standby being promoted does
            own.sql("postgres", "ALTER SYSTEM SET default_transaction_read_only = on");
            own.sql("postgres", "SELECT pg_reload_conf()");
            Outcome refused = store(central, batch(1, 10, 10));

            // then: refused, and the central drops that connection as it would a lost server's
            assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
            log.await("action: base_de_datos | result: fail", Duration.ofSeconds(5));

            // and once it takes writes again, a new connection stores
            own.sql("postgres", "ALTER SYSTEM RESET default_transaction_read_only");
            own.sql("postgres", "SELECT pg_reload_conf()");
            Outcome stored = storeOnceItAnswers(central, batch(1, 10, 10));
            assertEquals(Outcome.Kind.DONE, stored.kind());
            log.await("action: base_de_datos | result: success | url: " + database + " | lotes_rechazados: ",
                    Duration.ofSeconds(5));
            central.close();
        }
    }

    @Test
    void aFinishSentAgainIsAnsweredFromMemoryEvenWithoutTheDatabaseAndStillMakesADrawLeftDue() throws Exception {
        try (TestPostgres own = TestPostgres.start()) {
            // given: agency 1 finished at this central, in a lottery of two agencies
            String database = own.newDatabase();
            PostgresLedger central = central(database, 2);
            assertTrue(store(central, batch(1, 0, 10)).acknowledged());
            assertTrue(central.finish(1, 10).acknowledged());

            // when: the database goes away, and the agency sends its FINISH again (as an agency waiting for the
            // draw does, to see that its central is alive)
            own.stop();
            Outcome again = central.finish(1, 10);
            Outcome mismatch = central.finish(1, 11);

            // then: answered from what the central knows; a batch still needs the database
            assertEquals(Outcome.DONE, again);
            assertEquals(ErrorCode.COUNT_MISMATCH, mismatch.code());
            assertEquals(ErrorCode.STORAGE_FAILURE, store(central, batch(3, 0, 1)).code());

            // and when: the database is back, and the last FINISH was recorded by a central that died before
            // drawing
            own.restart();
            try (Connection connection = DriverManager.getConnection(database, TestPostgres.USER,
                    TestPostgres.PASSWORD); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO finishes (agency, bets) VALUES (2, 0)");
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!central.drawn() && System.nanoTime() < deadline) {
                assertEquals(Outcome.DONE, central.finish(1, 10));
                Thread.sleep(100);
            }

            // then: the repeated FINISH made the draw that was due
            assertTrue(central.drawn(), "the draw left due was not made");
            assertEquals(winnersOf(batch(1, 0, 10)), central.winnersOf(1));
            central.close();
        }
    }

    @Test
    void aCentralFrozenWithTheLotteryLocksHeldIsEndedSoThatTheLotteryGoesOn() throws Exception {
        // given: a central frozen in the middle of a group transaction (it holds the lottery's lock and agency 1's,
        // shared, and will never commit); another central, which waits at most 200 ms for a lock and counts a
        // transaction older than a second as hung
        HungCentrals.Fencing quick = new HungCentrals.Fencing(Duration.ofMillis(200), Duration.ofSeconds(1));
        PostgresLedger live = PostgresLedger.open(settings(url), 1, CloseSettings.NONE, quick);
        opened.add(live);
        assertTrue(store(live, batch(1, 0, 10)).acknowledged());
        try (Connection frozen = DriverManager.getConnection(url, TestPostgres.USER, TestPostgres.PASSWORD);
             Statement statement = frozen.createStatement()) {
            frozen.setAutoCommit(false);
            statement.execute("SELECT pg_advisory_xact_lock_shared(" + Schema.LOCK + ")");
            statement.execute("SELECT pg_advisory_xact_lock_shared(1)");
            Thread.sleep(1_200);

            // when: the live central takes agency 1's FINISH, the lottery's last (its lock and then the draw's wait
            // for the frozen one)
            Outcome finish = live.finish(1, 10);

            // then: the frozen session was ended, the FINISH taken and the draw made
            assertEquals(Outcome.DONE, finish);
            assertTrue(live.drawn());
            assertEquals(winnersOf(batch(1, 0, 10)), live.winnersOf(1));
            assertTrue(log.contains("action: cortar_central_colgada | result: success"), log.texts()::toString);
            assertThrows(SQLException.class, () -> statement.execute("SELECT 1"), "the frozen session is gone");
        }
    }

    @Test
    void aDrawMadeWhileACentralWasNotListeningIsFoundWhenItListensAgain() throws Exception {
        // given: two centrals; the first one's listening connection is cut
        PostgresLedger a = central(1);
        PostgresLedger b = central(1);
        CountDownLatch woken = new CountDownLatch(1);
        a.onDrawLearned(woken::countDown);
        assertTrue(store(b, batch(1, 0, 10)).acknowledged());
        query("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE application_name = 'lottery-central listener'");

        // when: the second central draws while the first's listener is reconnecting
        assertTrue(b.finish(1, 10).acknowledged());
        assertTrue(b.drawn());

        // then: the first still learns of the draw
        assertTrue(woken.await(20, TimeUnit.SECONDS), "the draw was missed");
        assertTrue(a.drawn());
        assertEquals(b.winnersOf(1), a.winnersOf(1));
    }
}
