package ar.loteria.central.postgres;

import ar.loteria.central.CentralLog;
import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.draw.AgencyTally;
import ar.loteria.central.draw.Batch;
import ar.loteria.central.draw.Ledger;
import ar.loteria.central.draw.LedgerView;
import ar.loteria.central.draw.Outcome;
import ar.loteria.central.storage.UnusableStoreException;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WinningRule;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
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
 * <p>Storing a group of batches is one transaction: the lottery's lock and each agency's lock taken shared
 * ({@link Schema}), each agency's position, FINISH and the draw read, then the accepted batches in one binary
 * {@code COPY} (ordered by agency and position, so two centrals never wait on each other in a cycle), then the
 * commit. A batch another central stored meanwhile is caught by the primary key: the group is rolled back and
 * decided again, and that batch is then acknowledged as a repeat. A FINISH is one transaction under its agency's
 * lock taken exclusive; when enough agencies have finished, the draw follows in a transaction of its own under the
 * lottery's lock taken exclusive, made exactly once ({@code UPDATE lottery ... WHERE drawn_at IS NULL}), and
 * notified to every central ({@link DrawListener}). A draw that is due but was not made (its central died between
 * the two) is made by the next FINISH, or by any central that starts.
 *
 * <p>When the database cannot be reached, batches and FINISHes are refused with {@code STORAGE_FAILURE} (nothing of
 * them acknowledged, the agency comes back), HELLO is answered from the lower bounds (an agency then resends what
 * was already stored, which is acknowledged as repeats), and the connection is opened again at the next request
 * ({@link StorageConnection}).
 *
 * <p>Storage thread only, as every {@link Ledger}; the listener has its own thread and only sets a flag and wakes.
 */
public final class PostgresLedger implements Ledger {

    /** Tries of one group that met batches another central was storing at the same moment. */
    static final int MAX_ATTEMPTS = 4;

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DEADLOCK = "40P01";
    private static final String SERIALIZATION = "40001";
    /**
     * The locks, then (in a fresh snapshot, so it sees whatever committed before they were granted) each agency's
     * state. Three statements in one round trip.
     */
    private static final String GROUP_STATE = "SELECT pg_advisory_xact_lock_shared(" + Schema.LOCK + ");"
            + " SELECT count(pg_advisory_xact_lock_shared(a)) FROM unnest(?::bigint[]) AS a;"
            + " SELECT a.agency,"
            + " coalesce((SELECT b.position + 1 FROM bets b WHERE b.agency = a.agency"
            + " ORDER BY b.position DESC LIMIT 1), 0),"
            + " EXISTS (SELECT 1 FROM finishes f WHERE f.agency = a.agency),"
            + " (SELECT drawn_at IS NOT NULL FROM lottery)"
            + " FROM unnest(?::bigint[]) AS a(agency)";
    private static final String STORED = "SELECT coalesce((SELECT position + 1 FROM bets WHERE agency = ?"
            + " ORDER BY position DESC LIMIT 1), 0)";
    private static final String DRAW_IF_DUE = "UPDATE lottery SET drawn_at = now(),"
            + " bets = (SELECT coalesce(sum(bets), 0) FROM finishes),"
            + " winners = (SELECT count(*) FROM bets WHERE number = " + WinningRule.NUMBER + ")"
            + " WHERE drawn_at IS NULL AND (SELECT count(*) FROM finishes) >= agencies";
    // A literal, not a parameter: only then can the planner use the partial index of winning bets.
    private static final String WINNERS = "SELECT agency, document FROM bets WHERE number = " + WinningRule.NUMBER
            + " ORDER BY agency, position";

    private final StorageConnection database;
    private final int agenciesToFinish;
    private final BetCopyEncoder encoder = new BetCopyEncoder();
    private final DrawListener listener;
    /** Per agency, bets known to be stored: never more than the database holds. */
    private final Map<Long, Long> positions = new HashMap<>();
    private final Set<Long> finished = new HashSet<>();
    /** Set by the listener (any thread) when the draw may have happened; the storage thread then looks. */
    private final AtomicBoolean drawMayHaveHappened = new AtomicBoolean(true);
    private volatile Runnable wake = () -> { };
    private Map<Long, List<String>> winners;
    private Instant drawnAt;
    private boolean closed;

    private PostgresLedger(Connector connector, int agenciesToFinish) throws SQLException {
        // Whatever happened while the database was away, the draw included, is read afresh once it is back.
        this.database = StorageConnection.open(connector, () -> drawMayHaveHappened.set(true));
        this.agenciesToFinish = agenciesToFinish;
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
        Connector connector = new Connector(settings);
        PostgresLedger ledger;
        try {
            ledger = new PostgresLedger(connector, agenciesToFinish);
        } catch (SQLException e) {
            throw new UnusableStoreException("the database at " + connector.shownUrl() + " cannot be used: "
                    + e.getMessage(), e);
        }
        try {
            Schema.create(ledger.database.get(), agenciesToFinish);
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
            Connection c = database.get();
            long have;
            try (PreparedStatement query = c.prepareStatement(STORED)) {
                query.setLong(1, agency);
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    have = result.getLong(1);
                }
            }
            c.commit();
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
        Outcome[] outcomes = new Outcome[batches.size()];
        List<Integer> asking = new ArrayList<>(batches.size());
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            if (batch.first() + batch.count() <= positions.getOrDefault(batch.agency(), 0L)) {
                // Known to be stored: a batch resent after a reconnect. No need to ask the database.
                CentralLog.batchRepeated(batch.agency(), batch.count());
                outcomes[i] = Outcome.ALREADY_DONE;
            } else if (winners != null) {
                outcomes[i] = refuse(batch, ErrorCode.DRAW_CLOSED, "the draw has already happened");
            } else {
                asking.add(i);
            }
        }
        if (asking.isEmpty()) {
            return List.of(outcomes);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                storeGroup(batches, asking, outcomes);
                return List.of(outcomes);
            } catch (SQLException e) {
                if (attempt < MAX_ATTEMPTS && metAnotherCentral(e)) {
                    // Another central stored some of these bets at the same moment: decide again on what it left.
                    database.rollback();
                    continue;
                }
                database.failed(e);
                String reason = "the batch could not be stored: " + e.getMessage();
                if (database.lost()) {
                    database.refusedWhileLost(asking.size());
                }
                for (int i : asking) {
                    outcomes[i] = database.lost() ? Outcome.refused(ErrorCode.STORAGE_FAILURE, reason)
                            : refuse(batches.get(i), ErrorCode.STORAGE_FAILURE, reason);
                }
                return List.of(outcomes);
            }
        }
    }

    /** One agency's state as the database sees it under the shared lock. */
    private record AgencyState(long stored, boolean finished) {
    }

    /** One transaction for the batches at {@code asking}; outcomes are filled in only once it has committed. */
    private void storeGroup(List<Batch> batches, List<Integer> asking, Outcome[] outcomes) throws SQLException {
        Connection c = database.get();
        Set<Long> agencies = new LinkedHashSet<>();
        for (int i : asking) {
            agencies.add(batches.get(i).agency());
        }
        Map<Long, AgencyState> states = new HashMap<>();
        boolean drawn = false;
        try (PreparedStatement query = c.prepareStatement(GROUP_STATE)) {
            Array array = c.createArrayOf("bigint", agencies.toArray());
            query.setArray(1, array);
            query.setArray(2, array);
            query.execute();
            // the first two results are the locks'; the third, read after them, the agencies' state
            if (!query.getMoreResults() || !query.getMoreResults()) {
                throw new SQLException("no state came back for the group");
            }
            try (ResultSet result = query.getResultSet()) {
                while (result.next()) {
                    states.put(result.getLong(1), new AgencyState(result.getLong(2), result.getBoolean(3)));
                    drawn = result.getBoolean(4);
                }
            }
            array.free();
        }
        // Positions as they will be once the accepted batches are in, so a batch can follow one of its group.
        Map<Long, Long> after = new HashMap<>();
        Map<Integer, Outcome> decided = new HashMap<>();
        List<Batch> accepted = new ArrayList<>();
        List<Integer> acceptedAt = new ArrayList<>();
        for (int i : asking) {
            Batch batch = batches.get(i);
            AgencyState state = states.get(batch.agency());
            long have = after.getOrDefault(batch.agency(), state.stored());
            if (batch.first() + batch.count() <= have) {
                decided.put(i, Outcome.ALREADY_DONE);
            } else if (drawn) {
                decided.put(i, Outcome.refused(ErrorCode.DRAW_CLOSED, "the draw has already happened"));
            } else if (state.finished()) {
                decided.put(i, Outcome.refused(ErrorCode.BETS_AFTER_FINISH, "agency " + batch.agency()
                        + " already finished"));
            } else if (batch.first() != have) {
                decided.put(i, Outcome.refused(ErrorCode.OUT_OF_SEQUENCE, "batch starts at bet " + batch.first()
                        + " but agency " + batch.agency() + " has " + have + " stored"));
            } else {
                decided.put(i, Outcome.DONE);
                accepted.add(batch);
                acceptedAt.add(i);
                after.put(batch.agency(), have + batch.count());
            }
        }
        if (!accepted.isEmpty()) {
            copy(c, accepted);
        }
        c.commit();

        // Committed: now the outcomes hold, and the log says so in the order the batches came.
        states.forEach((agency, state) -> {
            remember(agency, state.stored());
            if (state.finished()) {
                finished.add(agency);
            }
        });
        after.forEach(this::remember);
        for (int i : asking) {
            Batch batch = batches.get(i);
            Outcome outcome = decided.get(i);
            if (outcome.kind() == Outcome.Kind.DONE) {
                logStored(batch);
            } else if (outcome.kind() == Outcome.Kind.ALREADY_DONE) {
                CentralLog.batchRepeated(batch.agency(), batch.count());
            } else {
                CentralLog.batchRefused(batch.count(), batch.agency(), outcome.reason());
            }
            outcomes[i] = outcome;
        }
        if (drawn) {
            drawMayHaveHappened.set(true);
        }
    }

    /** The accepted batches in one binary COPY, ordered by agency and position. */
    private void copy(Connection c, List<Batch> accepted) throws SQLException {
        List<Batch> ordered = new ArrayList<>(accepted);
        ordered.sort(Comparator.comparingLong(Batch::agency).thenComparingLong(Batch::first));
        encoder.encode(ordered);
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(BetCopyEncoder.COPY);
        try {
            in.writeToCopy(encoder.bytes(), 0, encoder.length());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void logStored(Batch batch) {
        if (CentralLog.perBetLinesOn()) {
            for (Bet bet : batch.rows().bets()) {
                CentralLog.betStored(bet.document(), bet.number());
            }
        }
        CentralLog.batchStored(batch.count());
    }

    private static Outcome refuse(Batch batch, ErrorCode code, String reason) {
        CentralLog.batchRefused(batch.count(), batch.agency(), reason);
        return Outcome.refused(code, reason);
    }

    private static boolean metAnotherCentral(SQLException e) {
        String state = e.getSQLState();
        return UNIQUE_VIOLATION.equals(state) || DEADLOCK.equals(state) || SERIALIZATION.equals(state);
    }

    // --- FINISH and the draw

    @Override
    public Outcome finish(long agency, long total) {
        try {
            return finishTransaction(agency, total);
        } catch (SQLException e) {
            database.failed(e);
            String reason = "the FINISH could not be recorded: " + e.getMessage();
            if (!database.lost()) {
                CentralLog.finishRefused(agency, reason);
            }
            return Outcome.refused(ErrorCode.STORAGE_FAILURE, reason);
        }
    }

    /**
     * Under the lottery's lock shared and the agency's exclusive: checks {@code total} against the stored bets and
     * records the FINISH (once); then draws if that made the draw due.
     */
    private Outcome finishTransaction(long agency, long total) throws SQLException {
        Connection c = database.get();
        long have;
        boolean first;
        int finishedCount;
        try (Statement statement = c.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock_shared(" + Schema.LOCK + ")");
            statement.execute("SELECT pg_advisory_xact_lock(" + agency + ")");
            try (PreparedStatement query = c.prepareStatement(STORED)) {
                query.setLong(1, agency);
                try (ResultSet result = query.executeQuery()) {
                    result.next();
                    have = result.getLong(1);
                }
            }
            if (total != have) {
                c.rollback();
                remember(agency, have);
                String reason = "agency " + agency + " says it sent " + total + " bets but " + have + " are stored";
                CentralLog.finishRefused(agency, reason);
                return Outcome.refused(ErrorCode.COUNT_MISMATCH, reason);
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO finishes (agency, bets) VALUES (?, ?) ON CONFLICT (agency) DO NOTHING")) {
                insert.setLong(1, agency);
                insert.setLong(2, have);
                first = insert.executeUpdate() == 1;
            }
            finishedCount = finishedCount(statement);
        }
        c.commit();
        remember(agency, have);
        finished.add(agency);
        if (first) {
            CentralLog.finished(agency, have, finishedCount);
        }
        if (finishedCount >= agenciesToFinish) {
            drawIfDue();
        }
        return Outcome.DONE;
    }

    /**
     * The draw, in a transaction of its own under the lottery's lock taken exclusive (every store and FINISH in
     * flight has ended, and none starts until it commits): made when enough agencies have finished and nobody drew
     * yet, and notified. Either way, the draw may have happened now: the storage side looks.
     */
    private void drawIfDue() throws SQLException {
        Connection c = database.get();
        try (Statement statement = c.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + Schema.LOCK + ")");
            if (statement.executeUpdate(DRAW_IF_DUE) == 1) {
                // Delivered to every listening central when this transaction commits, and only then.
                statement.execute("NOTIFY " + Schema.DRAW_CHANNEL);
            }
        }
        c.commit();
        drawMayHaveHappened.set(true);
    }

    private static int finishedCount(Statement statement) throws SQLException {
        try (ResultSet count = statement.executeQuery("SELECT count(*) FROM finishes")) {
            count.next();
            return count.getInt(1);
        }
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

    /** Reads the draw, if made, and its winners; logs {@code sorteo} once this central knows them. */
    private void learnDraw() throws SQLException {
        Connection c = database.get();
        Instant at;
        long bets;
        try (Statement statement = c.createStatement()) {
            try (ResultSet lottery = statement.executeQuery("SELECT drawn_at, bets FROM lottery")) {
                Timestamp when = lottery.next() ? lottery.getTimestamp(1) : null;
                if (when == null) {
                    c.commit();
                    return;
                }
                at = when.toInstant();
                bets = lottery.getLong(2);
            }
            long started = System.nanoTime();
            Map<Long, List<String>> found = new HashMap<>();
            int total = 0;
            statement.setFetchSize(10_000);
            try (ResultSet rows = statement.executeQuery(WINNERS)) {
                while (rows.next()) {
                    found.computeIfAbsent(rows.getLong(1), a -> new ArrayList<>()).add(rows.getString(2));
                    total++;
                }
            }
            c.commit();
            Map<Long, List<String>> frozen = new HashMap<>();
            found.forEach((agency, documents) -> frozen.put(agency, List.copyOf(documents)));
            winners = Map.copyOf(frozen);
            drawnAt = at;
            listener.stop();
            CentralLog.drawn();
            CentralLog.drawFigures(bets, total, (System.nanoTime() - started) / 1_000_000);
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
        return new LedgerView(agenciesToFinish, drawnAt, 0, tallies);
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
