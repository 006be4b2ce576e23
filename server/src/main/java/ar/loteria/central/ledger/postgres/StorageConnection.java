package ar.loteria.central.ledger.postgres;

import ar.loteria.central.log.CentralLog;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The ledger's one connection to the database, and what happens when the database goes away: the connection is
 * dropped, the loss logged once ({@code base_de_datos | fail}), and a new one opened at a later request; once it
 * opens, one line says so with the batches refused meanwhile, and the ledger is told so that it reads afresh what may
 * have happened while it was away (the draw). Storage thread only.
 *
 * <p>While the database is lost every request is refused at once, except one attempt to connect at most every
 * {@link #RETRY_MILLIS}, and never sooner after a failed attempt than that attempt lasted, up to
 * {@link #MAX_PAUSE_MILLIS}: a database that takes seconds to fail (a hung host, a name that does not resolve) does
 * not keep the storage thread waiting on it all the time, and the central still tries again soon (the driver skips a
 * host that just failed for a few seconds, so the next attempt is usually quick).
 */
final class StorageConnection implements AutoCloseable {

    /** Least pause between two attempts to reach a database that went away. */
    static final long RETRY_MILLIS = 250;
    /** Longest pause after an attempt that took long. */
    static final long MAX_PAUSE_MILLIS = 2_000;
    /** How long a starting central waits for its database before giving up. */
    static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Connector connector;
    private final String url;
    private final Runnable reconnected;
    private Connection connection;
    private long nextAttemptNanos;
    private boolean lost;
    /** Batches refused since the database was lost (logged when it is back, not one line each). */
    private long refusedWhileLost;
    private boolean closed;

    /**
     * @param reconnected called on the storage thread each time a connection opens after the database was lost
     */
    private StorageConnection(Connector connector, Connection first, Runnable reconnected) {
        this.connector = connector;
        this.url = connector.shownUrl();
        this.connection = first;
        this.reconnected = reconnected;
    }

    /**
     * Connects, waiting up to {@link #START_WAIT} for a database that cannot be reached yet (still starting, say),
     * with a {@code base_de_datos | in_progress} line per attempt.
     *
     * @throws SQLException the last failure, when the database stays unreachable or refuses the central (a wrong
     *                      password, a database that does not exist: not worth waiting for)
     */
    static StorageConnection open(Connector connector, Runnable reconnected) throws SQLException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return new StorageConnection(connector, connector.open("storage"), reconnected);
            } catch (SQLException e) {
                if (!Connector.unreachable(e) || System.nanoTime() - deadline >= 0) {
                    throw e;
                }
                CentralLog.databaseWaiting(connector.shownUrl(), attempt, String.valueOf(e.getMessage()));
                try {
                    TimeUnit.SECONDS.sleep(1);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The URL as log lines show it. */
    String url() {
        return url;
    }

    /** The connection, opened again when it was lost; fails at once between two attempts. */
    Connection get() throws SQLException {
        if (connection != null) {
            return connection;
        }
        if (closed) {
            throw new SQLException("the ledger is closed", "08003");
        }
        long started = System.nanoTime();
        if (started - nextAttemptNanos < 0) {
            throw new SQLException("the database is unreachable; the central tries again shortly", "08001");
        }
        try {
            connection = connector.open("storage");
        } catch (SQLException e) {
            long ended = System.nanoTime();
            long pause = Math.min(Math.max(TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS), ended - started),
                    TimeUnit.MILLISECONDS.toNanos(MAX_PAUSE_MILLIS));
            nextAttemptNanos = ended + pause;
            throw e;
        }
        if (lost) {
            lost = false;
            CentralLog.databaseBack(url, refusedWhileLost);
            refusedWhileLost = 0;
        }
        reconnected.run();
        return connection;
    }

    /** After a failed request: rolls back, or, when the connection itself is gone, drops it and says so once. */
    void failed(SQLException e) {
        if (connection != null && !Connector.connectionLost(e, connection) && rollback()) {
            return;
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException closing) {
                // it is gone either way
            }
            connection = null;
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_MILLIS);
        }
        if (!lost) {
            lost = true;
            CentralLog.databaseLost(url, String.valueOf(e.getMessage()));
        }
    }

    /** Whether the database is lost now: its refusals are counted, not logged one by one. */
    boolean lost() {
        return lost;
    }

    /** Counts batches refused while the database is lost. */
    void refusedWhileLost(int batches) {
        refusedWhileLost += batches;
    }

    /** Rolls back the open transaction; whether that worked. */
    boolean rollback() {
        try {
            if (connection != null) {
                connection.rollback();
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Rolls back and closes, logging {@code close_database}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (connection != null) {
            try {
                connection.rollback();
                connection.close();
            } catch (SQLException e) {
                connection = null;
                CentralLog.notClosed("close_database", String.valueOf(e.getMessage()), "url", url);
                return;
            }
            connection = null;
        }
        CentralLog.closed("close_database", "url", url);
    }
}
