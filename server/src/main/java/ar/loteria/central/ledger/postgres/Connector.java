package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.DatabaseSettings;

import org.postgresql.Driver;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Opens connections to the database that {@code STORAGE_URL}, {@code STORAGE_USER} and {@code STORAGE_PASSWORD}
 * name, through the official JDBC driver. The timeouts below are defaults: a parameter of the same name in
 * {@code STORAGE_URL} wins (the driver reads the URL's parameters over the properties it is given), so a user can
 * lengthen or shorten any of them. With them a thread that waits on the database never waits long: a lost primary
 * is noticed within seconds, and a later attempt reaches the next host of the URL. Any thread.
 */
public final class Connector {

    /**
     * {@code connectTimeout}: the driver's budget for the TCP connections of one attempt, every host of the URL
     * together (pgjdbc 42.7.13 and later count the time spent on one host against the next). A host that is down
     * answers at once; a machine that is gone never does, and takes the whole budget: that attempt fails, and the
     * next one (the driver then skips that host for {@code hostRecheckSeconds}, 10 s) reaches the others.
     */
    static final int CONNECT_TIMEOUT_SECONDS = 2;
    /**
     * {@code socketTimeout}: any one wait for the server's answer, logging in included (a silent host then costs
     * twice this: the driver asks it for TLS, then tries again without). The longest a central's
     * request waits when nothing is wrong is a commit waiting for a synchronous standby that was just lost, until the
     * pair's monitor turns synchronous replication off (2 to 4 s with {@code scripts/pg-ha.sh}'s settings); a server
     * silent for longer counts as lost, which refuses that group (the agencies resend it) rather than stalling every
     * agency behind it.
     */
    static final int SOCKET_TIMEOUT_SECONDS = 5;
    /**
     * {@code loginTimeout}: opening a connection as a whole, name lookups included (which the two above do not
     * bound). Long enough for a hung first host (the socket timeout, twice when the driver asks it for TLS first) and
     * then the next.
     */
    static final int LOGIN_TIMEOUT_SECONDS = 30;
    /** Attempts of {@link #open(String, int)} to reach a database that is unreachable (a host of the URL lost). */
    static final int ONE_SHOT_ATTEMPTS = 3;
    /**
     * The socket timeout of {@code export} once connected (unless {@code STORAGE_URL} sets one): its one query may
     * read the whole table before its first row.
     */
    static final int EXPORT_SOCKET_TIMEOUT_SECONDS = 60;
    /** SQLSTATE read_only_sql_transaction: a write refused by a server that takes no writes. */
    private static final String READ_ONLY = "25006";

    private final DatabaseSettings settings;

    public Connector(DatabaseSettings settings) {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("no STORAGE_URL");
        }
        this.settings = settings;
    }

    /**
     * A new connection, not in auto-commit.
     *
     * @param role what it is for, shown in {@code pg_stat_activity} ({@code storage}, {@code listener}, ...)
     */
    public Connection open(String role) throws SQLException {
        Properties properties = new Properties();
        if (settings.user() != null) {
            properties.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        properties.setProperty("ApplicationName", "lottery-central " + role);
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
        // Only notices an idle connection whose peer vanished after the system's keepalive time (hours by default);
        // the socket timeout is what notices a lost server during a request.
        properties.setProperty("tcpKeepAlive", "true");
        // The hosts in a random order: once the driver has marked every host failed (a lost machine takes the whole
        // connect budget, and the host after it then fails too), it tries them all in the URL's order, and a lost
        // first host would be first at every attempt.
        properties.setProperty("loadBalanceHosts", "true");
        Connection connection = DriverManager.getConnection(settings.url(), properties);
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /**
     * As {@link #open(String)}, for a one-shot command's long query ({@code export}): tried again while the database
     * cannot be reached, and once connected the socket timeout becomes {@code socketTimeoutSeconds}, unless {@code
     * STORAGE_URL} sets its own.
     */
    public Connection open(String role, int socketTimeoutSeconds) throws SQLException {
        Connection connection = openSoonerOrLater(role);
        Properties fromUrl = Driver.parseURL(settings.url(), null);
        if (fromUrl == null || !fromUrl.containsKey("socketTimeout")) {
            try {
                connection.setNetworkTimeout(Runnable::run, socketTimeoutSeconds * 1000);
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
    }

    /**
     * A one-shot command's connection: up to {@link #ONE_SHOT_ATTEMPTS} attempts a second apart while the database
     * cannot be reached, since an attempt that loses its budget on a lost host is followed by one that skips it.
     */
    private Connection openSoonerOrLater(String role) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return open(role);
            } catch (SQLException e) {
                if (attempt >= ONE_SHOT_ATTEMPTS || !unreachable(e)) {
                    throw e;
                }
            }
            try {
                TimeUnit.SECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while connecting", "08001", e);
            }
        }
    }

    /** The URL without its query part, which may carry a password: what log lines show. */
    public String shownUrl() {
        String url = settings.url();
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    /** Whether {@code e} says the server cannot be reached or is going away (stopped, restarting, starting). */
    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    /**
     * Whether {@code e} says the connection itself is gone or unusable, as opposed to a statement that failed on a
     * working connection. A server that has become read-only (a primary demoted under the central, or a standby
     * reached through a URL without {@code targetServerType=primary}) counts as lost, so that the central opens a
     * connection to the primary again instead of being refused there for ever.
     */
    static boolean connectionLost(SQLException e, Connection connection) {
        if (unreachable(e) || READ_ONLY.equals(e.getSQLState())) {
            return true;
        }
        try {
            return connection.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }
}
