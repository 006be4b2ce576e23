package ar.loteria.central.ledger.postgres;

import ar.loteria.central.log.CentralLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What keeps one hung central from stopping the whole lottery. Every transaction of a central holds the lottery's
 * advisory lock, shared or exclusive, and agencies' locks; a central frozen in the middle of one (a long GC pause, a
 * SIGSTOP, a machine that froze) keeps them held, so the next draw, which takes the lottery's lock exclusive, would
 * wait for it for ever, and every transaction of every central queued behind the draw with it. Neither a frozen
 * process nor its TCP connection tells the database anything (the kernel still answers keep-alives), and a session
 * frozen inside a {@code COPY} is not ended by {@code idle_in_transaction_session_timeout} or {@code
 * statement_timeout}.
 *
 * <p>So a central never waits long for a lock ({@code lock_timeout}), and when it could not get one, it ends the
 * sessions of other centrals that hold one of the lottery's locks in a transaction older than {@link
 * Fencing#hungAfter}: far longer than any transaction of a central that runs (milliseconds). The database rolls
 * their work back (nothing of it was acknowledged: a central acknowledges only after its commit) and releases their
 * locks; the central tries again. A central that wakes up later finds its connection ended, refuses what it was
 * storing with STORAGE_FAILURE, and reconnects: its agencies resend. Ending another session needs the same
 * database role (or {@code pg_signal_backend}), as centrals of one lottery have.
 *
 * <p>Storage thread only.
 */
final class HungCentrals {

    /** PostgreSQL's SQLSTATE for a lock not granted within {@code lock_timeout}. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /**
     * The holders, in other sessions, of the lottery's lock or an agency's (an advisory lock on a key below 2^32), in
     * a transaction older than the given seconds.
     */
    private static final String HOLDERS = "SELECT DISTINCT a.pid, a.application_name, coalesce(host(a.client_addr),"
            + " 'local'), extract(epoch FROM now() - a.xact_start)::bigint"
            + " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND a.pid <> pg_backend_pid()"
            + " AND ((l.classid::bigint = ? AND l.objid::bigint = ?) OR l.classid::bigint = 0)"
            + " AND a.xact_start < now() - make_interval(secs => ?)";

    /**
     * How long a central waits for a lock, and how old another central's transaction must be to be ended.
     *
     * @param lockTimeout how long one statement waits for a lock before it fails
     * @param hungAfter   the age from which a transaction holding the lottery's locks counts as hung
     */
    record Fencing(Duration lockTimeout, Duration hungAfter) {

        static final Fencing DEFAULT = new Fencing(Duration.ofSeconds(1), Duration.ofSeconds(5));
    }

    private HungCentrals() {
    }

    /** Whether a failure was a lock not granted in time: another central holds it, perhaps frozen. */
    static boolean lockNotGranted(SQLException e) {
        return LOCK_NOT_AVAILABLE.equals(e.getSQLState());
    }

    /** Sets how long every statement on {@code c} waits for a lock; for the session, committed. */
    static void limitLockWaits(Connection c, Fencing fencing) throws SQLException {
        try (var statement = c.createStatement()) {
            statement.execute("SET lock_timeout = " + fencing.lockTimeout().toMillis());
        }
        c.commit();
    }

    /**
     * Ends the sessions that hold one of the lottery's locks in a transaction older than {@code fencing.hungAfter()},
     * logging each. Commits.
     *
     * @return how many it ended
     */
    static int fence(Connection c, Fencing fencing) throws SQLException {
        List<Holder> hung = new ArrayList<>();
        try (PreparedStatement holders = c.prepareStatement(HOLDERS)) {
            holders.setLong(1, Schema.LOCK >>> 32);
            holders.setLong(2, Schema.LOCK & 0xFFFF_FFFFL);
            holders.setLong(3, fencing.hungAfter().toSeconds());
            try (ResultSet rows = holders.executeQuery()) {
                while (rows.next()) {
                    hung.add(new Holder(rows.getInt(1), rows.getString(2) + " from " + rows.getString(3),
                            rows.getLong(4)));
                }
            }
        }
        int ended = 0;
        try (PreparedStatement terminate = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            for (Holder holder : hung) {
                terminate.setInt(1, holder.pid());
                try (ResultSet done = terminate.executeQuery()) {
                    if (done.next() && done.getBoolean(1)) {
                        CentralLog.hungSessionEnded(holder.pid(), holder.session(), holder.seconds());
                        ended++;
                    }
                } catch (SQLException e) {
                    // Not allowed (another role), say: said once here, and the central goes on trying.
                    CentralLog.hungSessionNotEnded(holder.pid(), holder.session(), String.valueOf(e.getMessage()));
                    c.rollback();
                }
            }
        }
        c.commit();
        return ended;
    }

    /** A session holding the lottery's locks: its backend, who it is, and its transaction's age in seconds. */
    private record Holder(int pid, String session, long seconds) {
    }
}
