package ar.loteria.central.ledger.postgres;

import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.codec.ErrorCode;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One group of batches stored in one transaction: the lottery's lock and each agency's lock taken shared, each
 * agency's position, FINISH and the draw read, every batch decided against them (in the order of the checks in
 * PROTOCOL.md), the accepted ones written with one binary {@code COPY} ordered by agency and position (so two
 * centrals never wait on each other in a cycle), then the commit. Nothing of it holds until it has committed.
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
            + " (SELECT drawn_at IS NOT NULL FROM lottery)"
            + " FROM unnest(?::bigint[]) AS a(agency)";

    /** One agency's state as the database saw it under the shared lock. */
    record AgencyState(long stored, boolean finished) {
    }

    /**
     * What a committed group decided.
     *
     * @param outcomes per index of the batches asked about
     * @param states   each agency's state before the group
     * @param after    each agency's position once the accepted batches are in
     * @param drawn    whether the draw had happened
     */
    record Committed(Map<Integer, Outcome> outcomes, Map<Long, AgencyState> states, Map<Long, Long> after,
                     boolean drawn) {
    }

    private final BetCopyEncoder encoder = new BetCopyEncoder();

    /** Whether a failure means another central stored some of the same bets at the same moment: decide again. */
    static boolean metAnotherCentral(SQLException e) {
        String state = e.getSQLState();
        return UNIQUE_VIOLATION.equals(state) || DEADLOCK.equals(state) || SERIALIZATION.equals(state);
    }

    /** Stores the batches at {@code asking} of {@code batches} and commits; the caller rolls back on a failure. */
    Committed run(Connection c, List<Batch> batches, List<Integer> asking) throws SQLException {
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
                after.put(batch.agency(), have + batch.count());
            }
        }
        if (!accepted.isEmpty()) {
            copy(c, accepted);
        }
        c.commit();
        return new Committed(decided, states, after, drawn);
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
