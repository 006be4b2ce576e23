package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.DatabaseSettings;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens connections to the database that {@code STORAGE_URL}, {@code STORAGE_USER} and {@code STORAGE_PASSWORD}
 * name, through the official JDBC driver. Every connection gives up on an unreachable server after a few seconds
 * and on a silent one after a minute, so a thread that waits on the database never waits for ever. Any thread.
 */
public final class Connector {

    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 60;

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
        properties.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(settings.url(), properties);
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
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
     * working connection.
     */
    static boolean connectionLost(SQLException e, Connection connection) {
        if (unreachable(e)) {
            return true;
        }
        try {
            return connection.isClosed();
        } catch (SQLException closed) {
            return true;
        }
    }
}
