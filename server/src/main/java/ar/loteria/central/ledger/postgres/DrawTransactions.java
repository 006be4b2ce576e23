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
import java.sql.Timestamp;
import java.time.Instant;
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
    private static final String DRAW = "UPDATE lottery SET drawn_at = now(),"
            + " bets = (SELECT coalesce(sum(bets), 0) FROM finishes),"
            + " winners = (SELECT count(*) FROM bets WHERE number = " + WinningRule.NUMBER + ")"
            + " WHERE drawn_at IS NULL";
    // A literal, not a parameter: only then can the planner use the partial index of winning bets.
    private static final String WINNERS = "SELECT agency, document FROM bets WHERE number = " + WinningRule.NUMBER
            + " ORDER BY agency, position";

    /**
     * A FINISH as the database took it.
     *
     * @param decision what the rules decided on the agency's state in the database
     * @param finished agencies finished, this one included when it was recorded
     */
    record Finished(FinishDecision decision, int finished) {
    }

    /**
     * A draw made, as read back.
     *
     * @param at      when
     * @param bets    the bets it was made over
     * @param winners documents of the winning bets per agency, in store order
     * @param total   winning bets
     */
    record Drawn(Instant at, long bets, Map<Long, List<String>> winners, int total) {
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
            }
            int count = finishedIn(statement);
            c.commit();
            return new Finished(decision, count);
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
     * due, and notifies every central.
     */
    static void drawIfDue(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + Schema.LOCK + ")");
            boolean drawn;
            int agencies;
            try (ResultSet lottery = statement.executeQuery("SELECT drawn_at IS NOT NULL, agencies FROM lottery")) {
                lottery.next();
                drawn = lottery.getBoolean(1);
                agencies = lottery.getInt(2);
            }
            if (LedgerRules.drawDue(drawn, finishedIn(statement), agencies)) {
                statement.executeUpdate(DRAW);
                // Delivered to every listening central when this transaction commits, and only then.
                statement.execute("NOTIFY " + Schema.DRAW_CHANNEL);
            }
        }
        c.commit();
    }

    /** The draw and its winners, or {@code null} when it has not been made. */
    static Drawn read(Connection c) throws SQLException {
        try (Statement statement = c.createStatement()) {
            Instant at;
            long bets;
            try (ResultSet lottery = statement.executeQuery("SELECT drawn_at, bets FROM lottery")) {
                Timestamp when = lottery.next() ? lottery.getTimestamp(1) : null;
                if (when == null) {
                    c.commit();
                    return null;
                }
                at = when.toInstant();
                bets = lottery.getLong(2);
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
            c.commit();
            Map<Long, List<String>> frozen = new HashMap<>();
            found.forEach((agency, documents) -> frozen.put(agency, List.copyOf(documents)));
            return new Drawn(at, bets, Map.copyOf(frozen), total);
        }
    }

    private DrawTransactions() {
    }
}
