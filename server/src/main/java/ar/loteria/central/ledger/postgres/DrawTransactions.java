package ar.loteria.central.ledger.postgres;

import ar.loteria.central.ledger.AgencyState;
import ar.loteria.central.ledger.FinishDecision;
import ar.loteria.central.ledger.LedgerRules;
import ar.loteria.codec.WinningRule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lottery's FINISH and draw as database transactions, shared by every central: a FINISH under its agency's lock
 * taken exclusive (it waits only for that agency's batches in flight), the draw under the lottery's lock taken
 * exclusive (every store and FINISH in flight has ended, and none starts until it commits), made exactly once
 * ({@code UPDATE lottery ... WHERE drawn_at IS NULL}) and notified to every central, and the reading of a draw made.
 * What a FINISH does and when the draw is due is the rules' ({@link LedgerRules}), decided on what the transaction
 * read.
 * Each method commits what it did; the caller rolls back on a failure.
 *
 * <p>Storage thread only.
 */
final class DrawTransactions {

    static final String STORED = "SELECT coalesce((SELECT position + 1 FROM bets WHERE agency = ?"
            + " ORDER BY position DESC LIMIT 1), 0)";
    private static final String DRAW = "UPDATE lottery SET drawn_at = now(), closed_at = ?,"
            + " bets = (SELECT count(*) FROM bets),"
            + " winners = (SELECT count(*) FROM bets WHERE number = " + WinningRule.NUMBER + ")"
            + " WHERE drawn_at IS NULL";
    private static final String LOTTERY = "SELECT drawn_at IS NOT NULL, agencies, draw_at, draw_after_ms,"
            + " first_finish_at, now() FROM lottery";
    /** The agencies with bets that have not finished, and their bets: the ones a close leaves unfinished. */
    private static final String UNFINISHED = "SELECT agency, max(position) + 1 FROM bets b"
            + " WHERE NOT EXISTS (SELECT 1 FROM finishes f WHERE f.agency = b.agency) GROUP BY agency";
    // A literal, not a parameter: only then can the planner use the partial index of winning bets.
    private static final String WINNERS = "SELECT agency, document FROM bets WHERE number = " + WinningRule.NUMBER
            + " ORDER BY agency, position";

    /**
     * A FINISH as the database took it.
     *
     * @param decision    what the rules decided on the agency's state in the database
     * @param finished    agencies finished, this one included when it was recorded
     * @param firstFinish when the lottery's first FINISH came, {@code null} before it
     */
    record Finished(FinishDecision decision, int finished, Instant firstFinish) {
    }

    /**
     * A draw made, as read back.
     *
     * @param at         when
     * @param bets       the bets it was made over
     * @param winners    documents of the winning bets per agency, in store order
     * @param total      winning bets
     * @param closedAt   the close of betting that made it, or {@code null} when every agency had finished
     * @param finished   agencies finished when it was read
     * @param unfinished when betting closed: the agencies with bets that had not finished, and their bets
     */
    record Drawn(Instant at, long bets, Map<Long, List<String>> winners, int total, Instant closedAt, int finished,
                 Map<Long, Long> unfinished) {
    }

    /**
     * The lottery as read: its first FINISH (a close after it counts from then), and its draw if made.
     *
     * @param firstFinish when the lottery's first FINISH came, or {@code null}
     * @param drawn       the draw, or {@code null}
     */
    record Lottery(Instant firstFinish, Drawn drawn) {
    }

    /** The agency's bets in the database; commits. */
    static long stored(Connection c, long agency) throws SQLException {
        long have = storedIn(c, agency);
        c.commit();
        return have;
    }

    private static long storedIn(Connection c, long agency) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(STORED)) {
            query.setLong(1, agency);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /**
     * Under the lottery's lock shared and the agency's exclusive: reads the agency's stored bets and whether it
     * finished, has the rules decide the FINISH, and records it when they say so.
     */
    static Finished finish(Connection c, long agency, long total) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock_shared(" + Schema.LOCK + ")");
            statement.execute("SELECT pg_advisory_xact_lock(" + agency + ")");
            long have = storedIn(c, agency);
            boolean finished;
            try (ResultSet found = statement.executeQuery("SELECT 1 FROM finishes WHERE agency = " + agency)) {
                finished = found.next();
            }
            FinishDecision decision = LedgerRules.finish(agency, total, new AgencyState(have, finished));
            if (decision.toRecord()) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO finishes (agency, bets) VALUES (?, ?) ON CONFLICT (agency) DO NOTHING")) {
                    insert.setLong(1, agency);
                    insert.setLong(2, have);
                    insert.executeUpdate();
                }
                // The lottery's first FINISH, on the database's clock: a close after it counts from it.
                statement.executeUpdate("UPDATE lottery SET first_finish_at = now() WHERE first_finish_at IS NULL");
            }
            int count = finishedIn(statement);
            Instant firstFinish;
            try (ResultSet lottery = statement.executeQuery("SELECT first_finish_at FROM lottery")) {
                lottery.next();
                firstFinish = instant(lottery, 1);
            }
            c.commit();
            return new Finished(decision, count, firstFinish);
        }
    }

    private static int finishedIn(Statement statement) throws SQLException {
        try (ResultSet count = statement.executeQuery("SELECT count(*) FROM finishes")) {
            count.next();
            return count.getInt(1);
        }
    }

    /**
     * Under the lottery's lock taken exclusive (no store or FINISH in flight): makes the draw if the rules say it is
     * due (every agency finished, or betting closed, on the database's clock), and notifies every central.
     */
    static void drawIfDue(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + Schema.LOCK + ")");
            boolean drawn;
            int agencies;
            Instant closesAt;
            Instant now;
            try (ResultSet lottery = statement.executeQuery(LOTTERY)) {
                lottery.next();
                drawn = lottery.getBoolean(1);
                agencies = lottery.getInt(2);
                closesAt = LedgerRules.closesAt(Schema.closeOf(lottery, 3), instant(lottery, 5));
                now = instant(lottery, 6);
            }
            int finished = finishedIn(statement);
            if (LedgerRules.drawDue(drawn, finished, agencies, closesAt, now)) {
                try (PreparedStatement draw = c.prepareStatement(DRAW)) {
                    draw.setObject(1, finished >= agencies ? null : OffsetDateTime.ofInstant(closesAt, ZoneOffset.UTC));
                    draw.executeUpdate();
                }
                // Delivered to every listening central when this transaction commits, and only then.
                statement.execute("NOTIFY " + Schema.DRAW_CHANNEL);
            }
        }
        c.commit();
    }

    private static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The lottery's first FINISH, and its draw and winners when it has been made. */
    static Lottery read(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            Instant firstFinish;
            Instant at;
            long bets;
            Instant closedAt;
            try (ResultSet lottery = statement.executeQuery(
                    "SELECT drawn_at, bets, closed_at, first_finish_at FROM lottery")) {
                lottery.next();
                at = instant(lottery, 1);
                bets = lottery.getLong(2);
                closedAt = instant(lottery, 3);
                firstFinish = instant(lottery, 4);
            }
            if (at == null) {
                c.commit();
                return new Lottery(firstFinish, null);
            }
            Map<Long, List<String>> found = new HashMap<>();
            int total = 0;
            statement.setFetchSize(10_000);
            try (ResultSet rows = statement.executeQuery(WINNERS)) {
                while (rows.next()) {
                    found.computeIfAbsent(rows.getLong(1), a -> new ArrayList<>()).add(rows.getString(2));
                    total++;
                }
            }
            int finished = finishedIn(statement);
            Map<Long, Long> unfinished = new HashMap<>();
            if (closedAt != null) {
                try (ResultSet rows = statement.executeQuery(UNFINISHED)) {
                    while (rows.next()) {
                        unfinished.put(rows.getLong(1), rows.getLong(2));
                    }
                }
            }
            c.commit();
            Map<Long, List<String>> frozen = new HashMap<>();
            found.forEach((agency, documents) -> frozen.put(agency, List.copyOf(documents)));
            return new Lottery(firstFinish, new Drawn(at, bets, Map.copyOf(frozen), total, closedAt, finished,
                    Map.copyOf(unfinished)));
        }
    }

    private DrawTransactions() {
    }
}
