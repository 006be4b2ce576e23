package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.ledger.AgencyState;
import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.BatchGroup;
import ar.loteria.central.ledger.FinishDecision;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerRules;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lottery's ledger in a PostgreSQL database that several centrals share ({@code STORAGE_URL}): the database
 * holds the bets, the FINISHes and the draw ({@link Schema}), and is the only judge of where each agency's stream
 * stands, so an agency may resume with any central. The central keeps only lower bounds of those positions, which
 * answer a resent batch without asking the database, and the draw's winners once it has learned of it.
 *
 * <p>A group of batches is one transaction ({@link GroupTransaction}); one that met batches another central was
 * storing at the same moment is rolled back and decided again. FINISH and the draw are transactions of their own
 * ({@link DrawTransactions}); every central learns of the draw through {@link DrawListener}, and a draw left due by a
 * central that died between the two is made by the next FINISH, or by any central that starts.
 *
 * <p>When the database cannot be reached, batches and FINISHes are refused with {@code STORAGE_FAILURE} (nothing of
 * them acknowledged, the agency comes back), HELLO is answered from the lower bounds (an agency then resends what
 * was already stored, which is acknowledged as repeats), and the connection is opened again at the next request
 * ({@link StorageConnection}).
 *
 * <p>What it may store and when the lottery draws is decided by {@link LedgerRules}, on what each transaction read.
 *
 * <p>Storage thread only, as every {@link Ledger}; the listener has its own thread and only sets a flag and wakes.
 */
public final class PostgresLedger implements Ledger {

    /** Tries of one group that met batches another central was storing at the same moment. */
    static final int MAX_ATTEMPTS = 4;
    /** How often a FINISH answered from memory looks for a draw left due. */
    private static final long DUE_CHECK_NANOS = 1_000_000_000L;

    private final StorageConnection database;
    private final int agenciesToFinish;
    private final GroupTransaction group = new GroupTransaction();
    private final DrawListener listener;
    /** Per agency, bets known to be stored: never more than the database holds. */
    private final Map<Long, Long> positions = new HashMap<>();
    private final Set<Long> finished = new HashSet<>();
    /** Set by the listener (any thread) when the draw may have happened; the storage thread then looks. */
    private final AtomicBoolean drawMayHaveHappened = new AtomicBoolean(true);
    private volatile Runnable wake = () -> { };
    private Map<Long, List<String>> winners;
    private Instant drawnAt;
    private final CloseSettings close;
    private final HungCentrals.Fencing fencing;
    /** When the lottery's first FINISH came (a close after it counts from then), once this central knows. */
    private Instant firstFinish;
    private boolean closed;
    private long lastDueCheck = System.nanoTime() - DUE_CHECK_NANOS;

    private PostgresLedger(Connector connector, int agenciesToFinish, CloseSettings close, HungCentrals.Fencing fencing)
            throws SQLException {
        this.fencing = fencing;
        this.database = StorageConnection.open(connector, this::reconnected);
        HungCentrals.limitLockWaits(database.get(), fencing);
        this.agenciesToFinish = agenciesToFinish;
        this.close = close;
        this.listener = new DrawListener(connector, this::drawMayHaveHappened);
    }

    /**
     * Connects (waiting up to {@link StorageConnection#START_WAIT} for a database still starting), creates the
     * tables the database lacks, draws at once when no agency has to finish (or when a draw was left due), learns of
     * a draw already made, and starts listening for the draw.
     *
     * @throws UnusableStoreException when the database stays unreachable, refuses the central, or belongs to a
     *                                lottery of another number of agencies
     */
    public static PostgresLedger open(DatabaseSettings settings, int agenciesToFinish) throws UnusableStoreException {
        return open(settings, agenciesToFinish, CloseSettings.NONE);
    }

    /**
     * As {@link #open(DatabaseSettings, int)}, for a lottery with a close of betting: the first central writes it in
     * the lottery's row, and a central configured with another close is refused; a central started after the close
     * draws at start.
     */
    public static PostgresLedger open(DatabaseSettings settings, int agenciesToFinish, CloseSettings close)
            throws UnusableStoreException {
        return open(settings, agenciesToFinish, close, HungCentrals.Fencing.DEFAULT);
    }

    /** As above, waiting for locks and ending hung centrals as {@code fencing} says (tests shorten it). */
    static PostgresLedger open(DatabaseSettings settings, int agenciesToFinish, CloseSettings close,
                               HungCentrals.Fencing fencing) throws UnusableStoreException {
        Connector connector = new Connector(settings);
        PostgresLedger ledger;
        try {
            ledger = new PostgresLedger(connector, agenciesToFinish, close, fencing);
        } catch (SQLException e) {
            throw new UnusableStoreException("the database at " + connector.shownUrl() + " cannot be used: "
                    + e.getMessage(), e);
        }
        try {
            Schema.create(ledger.database.get(), agenciesToFinish, close);
            CentralLog.databaseConnected(ledger.database.url());
            // A lottery of no agencies draws at once; and a draw left due by a central that died is made now.
            ledger.drawIfDue();
            ledger.learnDraw();
        } catch (SQLException e) {
            ledger.close();
            throw new UnusableStoreException("the database at " + ledger.database.url() + " could not be prepared: "
                    + e.getMessage(), e);
        } catch (UnusableStoreException e) {
            ledger.close();
            throw e;
        }
        if (ledger.winners == null) {
            ledger.listener.start();
        }
        return ledger;
    }

    // --- WELCOME

    @Override
    public long stored(long agency) {
        try {
            long have = DrawTransactions.stored(database.get(), agency);
            remember(agency, have);
            return have;
        } catch (SQLException e) {
            database.failed(e);
            return positions.getOrDefault(agency, 0L);
        }
    }

    // --- BETS

    @Override
    public List<Outcome> store(List<Batch> batches) {
        BatchGroup group = LedgerRules.group(batches);
        // Known to be stored (a batch resent after a reconnect): no need to ask the database. The others are asked
        // even after the draw: another central may have stored them, and a batch already stored is acknowledged
        // again rather than refused (the order of the checks in PROTOCOL.md).
        group.repeatsBelow(agency -> positions.getOrDefault(agency, 0L));
        if (group.decided()) {
            return group.written();
        }
        try {
            GroupTransaction.Committed done = transaction(c -> this.group.run(c, group));
            // Committed: now the outcomes hold.
            done.states().forEach((agency, state) -> {
                remember(agency, state.stored());
                if (state.finished()) {
                    finished.add(agency);
                }
            });
            group.positionsAfter().forEach(this::remember);
            if (done.drawn()) {
                drawMayHaveHappened.set(true);
            }
            return group.written();
        } catch (SQLException e) {
            database.failed(e);
            if (database.lost()) {
                database.refusedWhileLost(group.pending());
            }
            return group.undecided(e.getMessage(), !database.lost());
        }
    }

    /** Work done in one transaction on the storage connection; it commits, and throws to roll back. */
    @FunctionalInterface
    private interface InTransaction<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work}, again when it met another central storing the same bets at the same moment (it then decides
     * afresh on what that central left) or could not get a lock in time (first ending the sessions of centrals
     * frozen with the lottery's locks held: {@link HungCentrals}), at most {@link #MAX_ATTEMPTS} times in all.
     *
     * @throws SQLException the last failure; the caller reports it to the connection
     */
    private <T> T transaction(InTransaction<T> work) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run(database.get());
            } catch (SQLException e) {
                boolean blocked = HungCentrals.lockNotGranted(e);
                if (attempt >= MAX_ATTEMPTS || !blocked && !GroupTransaction.metAnotherCentral(e)) {
                    throw e;
                }
                database.rollback();
                if (blocked) {
                    HungCentrals.fence(database.get(), fencing);
                }
            }
        }
    }

    // --- FINISH and the draw

    @Override
    public Outcome finish(long agency, long total) {
        if (finished.contains(agency)) {
            // A finished agency's stored bets cannot change any more, and this central learned them with its
            // FINISH, so what it knows decides: a FINISH sent again (an agency checking that its central is alive
            // while it waits for the draw) costs no transaction, and is answered while the database is away.
            FinishDecision known = LedgerRules.finish(agency, total,
                    new AgencyState(positions.getOrDefault(agency, 0L), true));
            if (known.kind() == FinishDecision.Kind.AGAIN) {
                lookForADueDraw();
            }
            return known.outcome();
        }
        try {
            return finishTransaction(agency, total);
        } catch (SQLException e) {
            database.failed(e);
            return FinishDecision.undecided(agency, e.getMessage(), !database.lost());
        }
    }

    /**
     * A draw left due by a central that died between the last FINISH and the draw is made by the next FINISH: a
     * FINISH answered from memory still looks, at most once every {@link #DUE_CHECK_NANOS}.
     */
    private void lookForADueDraw() {
        long now = System.nanoTime();
        if (winners != null || now - lastDueCheck < DUE_CHECK_NANOS) {
            return;
        }
        lastDueCheck = now;
        try {
            drawIfDue();
        } catch (SQLException e) {
            database.failed(e);
        }
    }

    private Outcome finishTransaction(long agency, long total) throws SQLException {
        DrawTransactions.Finished done = transaction(c -> DrawTransactions.finish(c, agency, total));
        FinishDecision decision = done.decision();
        remember(agency, decision.stored());
        if (decision.kind() == FinishDecision.Kind.COUNT_MISMATCH) {
            return decision.outcome();
        }
        finished.add(agency);
        if (firstFinish == null) {
            firstFinish = done.firstFinish();
        }
        Outcome outcome = decision.toRecord() ? decision.recorded(done.finished()) : decision.outcome();
        if (LedgerRules.drawDue(winners != null, done.finished(), agenciesToFinish)) {
            drawIfDue();
        }
        return outcome;
    }

    /** Makes the draw if it is due (in a transaction of its own); either way, the storage side looks. */
    private void drawIfDue() throws SQLException {
        transaction(c -> {
            DrawTransactions.drawIfDue(c);
            return null;
        });
        drawMayHaveHappened.set(true);
    }

    @Override
    public boolean drawn() {
        if (winners == null && drawMayHaveHappened.getAndSet(false)) {
            try {
                learnDraw();
            } catch (SQLException e) {
                database.failed(e);
                drawMayHaveHappened.set(true);
            }
        }
        return winners != null;
    }

    /**
     * Reads the lottery: when its first FINISH came (another central's, say), and the draw, if made, and its
     * winners; logs the close that made it, if one did, and {@code sorteo} once this central knows them.
     */
    private void learnDraw() throws SQLException {
        long started = System.nanoTime();
        DrawTransactions.Lottery lottery = DrawTransactions.read(database.get());
        if (firstFinish == null) {
            firstFinish = lottery.firstFinish();
        }
        DrawTransactions.Drawn drawn = lottery.drawn();
        if (drawn == null) {
            return;
        }
        winners = drawn.winners();
        drawnAt = drawn.at();
        listener.stop();
        if (drawn.closedAt() != null) {
            LedgerRules.announceClose(drawn.closedAt(), agenciesToFinish, drawn.finished(), drawn.unfinished());
        }
        LedgerRules.announceDraw(drawn.bets(), drawn.total(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * A new connection to the database (after one was lost): whatever happened while it was away, the draw
     * included, is read afresh, and it waits for locks as little as the first.
     */
    private void reconnected() {
        drawMayHaveHappened.set(true);
        try {
            HungCentrals.limitLockWaits(database.get(), fencing);
        } catch (SQLException e) {
            // The connection is broken again: the request that follows finds it and says so.
        }
    }

    @Override
    public Instant closesAt() {
        return LedgerRules.closesAt(close, firstFinish);
    }

    /** The close of betting may have come: the draw is made if it is due, by this central or another. */
    @Override
    public void timePassed() {
        if (winners != null) {
            return;
        }
        try {
            drawIfDue();
        } catch (SQLException e) {
            database.failed(e);
        }
    }

    @Override
    public List<String> winnersOf(long agency) {
        return winners.getOrDefault(agency, List.of());
    }

    @Override
    public void onDrawLearned(Runnable wakeUp) {
        this.wake = wakeUp;
    }

    /** The listener's call, from its thread: the storage side looks at the draw at its next chance. */
    private void drawMayHaveHappened() {
        drawMayHaveHappened.set(true);
        wake.run();
    }

    // --- view

    @Override
    public LedgerView view() {
        Set<Long> agencies = new HashSet<>(positions.keySet());
        agencies.addAll(finished);
        List<AgencyTally> tallies = new ArrayList<>(agencies.size());
        for (long agency : agencies) {
            tallies.add(new AgencyTally(agency, positions.getOrDefault(agency, 0L), finished.contains(agency),
                    winners == null ? -1 : winnersOf(agency).size()));
        }
        return new LedgerView(agenciesToFinish, drawnAt, 0, tallies, closesAt());
    }

    private void remember(long agency, long stored) {
        positions.merge(agency, stored, Math::max);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close();
        database.close();
    }
}
