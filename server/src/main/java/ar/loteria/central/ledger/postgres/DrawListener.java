package ar.loteria.central.ledger.postgres;

import ar.loteria.central.log.CentralLog;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.concurrent.TimeUnit;

/**
 * Listens on a connection of its own for the draw, which any central of the lottery may make, and wakes the
 * ledger when it happens, or when the lottery's first FINISH comes (a close of betting may count from it). A notification can be missed (this connection was down when the draw was committed), so
 * after every (re)connection, and every {@link #CHECK_MILLIS} while connected, it also asks the database whether
 * the draw has happened: a missed notification costs at most that long, never a hang. It reconnects by itself,
 * with a growing pause. Its own thread ({@code draw-listener}); {@link #close()} from any thread.
 */
final class DrawListener implements AutoCloseable {

    static final int CHECK_MILLIS = 1_000;
    private static final long MIN_PAUSE_MILLIS = 200;
    private static final long MAX_PAUSE_MILLIS = 2_000;

    private final Connector connector;
    private final Runnable wake;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Connection connection;
    /** The lottery's first FINISH as last seen; this thread only. */
    private Timestamp seenFirstFinish;

    /**
     * @param wake called, from this thread, whenever the draw may have happened: the ledger checks
     */
    DrawListener(Connector connector, Runnable wake) {
        this.connector = connector;
        this.wake = wake;
        this.thread = new Thread(this::run, "draw-listener");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        long pause = MIN_PAUSE_MILLIS;
        boolean lost = false;
        while (!stopped) {
            try (Connection listening = connector.open("listener")) {
                connection = listening;
                try (Statement statement = listening.createStatement()) {
                    statement.execute("LISTEN " + Schema.DRAW_CHANNEL);
                }
                listening.commit();
                if (lost) {
                    CentralLog.drawListenerBack();
                    lost = false;
                }
                pause = MIN_PAUSE_MILLIS;
                listen(listening);
            } catch (SQLException e) {
                if (stopped) {
                    break;
                }
                if (!lost) {
                    CentralLog.drawListenerLost(String.valueOf(e.getMessage()));
                    lost = true;
                }
                sleep(pause);
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
            } finally {
                connection = null;
            }
        }
    }

    /** Until stopped or the connection fails: wakes on a notification, or when a check finds the draw. */
    private void listen(Connection listening) throws SQLException {
        PGConnection notifications = listening.unwrap(PGConnection.class);
        try (Statement check = listening.createStatement()) {
            while (!stopped) {
                // Checked first: this also covers a draw made while the connection was down.
                if (changed(check)) {
                    wake.run();
                }
                listening.commit();
                PGNotification[] received = notifications.getNotifications(CHECK_MILLIS);
                if (received != null && received.length > 0) {
                    wake.run();
                }
            }
        }
    }

    /**
     * Whether the ledger should look: the draw has been made, or the lottery's first FINISH came (at another central,
     * say) since this listener last looked, which sets a close of betting counted from it.
     */
    private boolean changed(Statement check) throws SQLException {
        try (ResultSet lottery = check.executeQuery("SELECT drawn_at IS NOT NULL, first_finish_at FROM lottery")) {
            if (!lottery.next()) {
                return false;
            }
            Timestamp firstFinish = lottery.getTimestamp(2);
            boolean newFirstFinish = firstFinish != null && !firstFinish.equals(seenFirstFinish);
            seenFirstFinish = firstFinish;
            return lottery.getBoolean(1) || newFirstFinish;
        }
    }

    private void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            stopped = true;
        }
    }

    /** Stops listening within {@link #CHECK_MILLIS}, without waiting for it. Any thread. */
    void stop() {
        stopped = true;
    }

    /** Stops listening: closes the connection (which ends a wait on it) and waits a bounded time. Any thread. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        Connection current = connection;
        if (current != null) {
            try {
                current.close();
            } catch (SQLException e) {
                // closing anyway
            }
        }
        try {
            thread.join(CHECK_MILLIS * 3L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
