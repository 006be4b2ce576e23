package ar.loteria.central.ledger.postgres;

import ar.loteria.central.ledger.AgencyState;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.BatchGroup;
import ar.loteria.central.ledger.Betting;
import ar.loteria.central.ledger.LedgerRules;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One group of batches stored in one transaction: the lottery's lock and each agency's lock taken shared, each
 * agency's position, FINISH, the draw and the close of betting read (on the database's clock), every batch decided
 * against them by the rules ({@link BatchGroup}), the accepted ones written with one binary {@code COPY} ordered by
 * agency and position (so two centrals never wait on each other in a cycle), then the commit. Nothing of it holds
 * until it has committed.
 *
 * <p>Storage thread only; one instance per ledger, which reuses its encoder.
 */
final class GroupTransaction {

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
            + " l.drawn_at IS NOT NULL, l.draw_at, l.draw_after_ms, l.first_finish_at, now()"
            + " FROM unnest(?::bigint[]) AS a(agency) CROSS JOIN lottery l";

    /**
     * What a committed group read.
     *
     * @param states each agency's state before the group
     * @param drawn  whether the draw had happened
     */
    record Committed(Map<Long, AgencyState> states, boolean drawn) {
    }

    private final BetCopyEncoder encoder = new BetCopyEncoder();

    /** Whether a failure means another central stored some of the same bets at the same moment: decide again. */
    static boolean metAnotherCentral(SQLException e) {
        String state = e.getSQLState();
        return UNIQUE_VIOLATION.equals(state) || DEADLOCK.equals(state) || SERIALIZATION.equals(state);
    }

    /**
     * Reads the state of the group's undecided agencies under the locks, has the rules decide the group on it,
     * stores the accepted batches and commits; the caller rolls back on a failure.
     */
    Committed run(Connection c, BatchGroup group) throws SQLException {
        Set<Long> agencies = group.undecidedAgencies();
        Map<Long, AgencyState> states = new HashMap<>();
        boolean drawn = false;
        Instant closesAt = null;
        Instant now = Instant.EPOCH;
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
                    // The lottery's clock: the database's, the same for every central.
                    OffsetDateTime firstFinish = result.getObject(7, OffsetDateTime.class);
                    closesAt = LedgerRules.closesAt(Schema.closeOf(result, 5),
                            firstFinish == null ? null : firstFinish.toInstant());
                    now = result.getObject(8, OffsetDateTime.class).toInstant();
                }
            }
            array.free();
        }
        group.decide(agency -> states.getOrDefault(agency, AgencyState.NEW), Betting.at(now, drawn, closesAt));
        if (!group.accepted().isEmpty()) {
            copy(c, group.accepted());
        }
        c.commit();
        return new Committed(states, drawn);
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

}
