package ar.loteria.central.config;

import ch.qos.logback.classic.Level;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The central's configuration, read once at start ({@link ServerConfigLoader}) and passed down by constructor.
 *
 * @param port            SERVER_PORT, 0 for any free port
 * @param serverIp        SERVER_IP, the name agencies use (the central listens on all interfaces)
 * @param listenBacklog   SERVER_LISTEN_BACKLOG
 * @param loggingLevel    LOGGING_LEVEL as configured
 * @param level           the logback level it names
 * @param agencies        AGENCIES, distinct agencies that must finish before the draw
 * @param storagePath     STORAGE_FILEPATH
 * @param maxConnections  MAX_CONNECTIONS, open connections beyond which new ones are refused
 * @param idleTimeout     IDLE_TIMEOUT_SECONDS, how long a connection may stay silent in the middle of a frame or
 *                        before saying HELLO
 * @param agencyTokens    AGENCY_TOKENS, the shared secret of each agency that has one
 * @param syncWrites      STORAGE_SYNC, whether every write to the store is forced to the disk before its batches
 *                        are acknowledged
 * @param status          STATUS_PORT, STATUS_BIND, STATUS_TOKEN: the operator's view
 * @param database        STORAGE_URL, STORAGE_USER, STORAGE_PASSWORD: a database instead of the CSV file
 * @param tls             TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD: the bets port speaks only TLS when a keystore is set
 * @param close           DRAW_AT, DRAW_AFTER_SECONDS: the close of betting, if any
 * @param transport       SERVER_TRANSPORT: the event loops' I/O (native epoll or io_uring, or the JDK's selector)
 */
public record ServerConfig(int port, String serverIp, int listenBacklog, String loggingLevel, Level level,
                           int agencies, Path storagePath, int maxConnections, Duration idleTimeout,
                           Map<Long, String> agencyTokens, boolean syncWrites, StatusSettings status,
                           DatabaseSettings database, TlsSettings tls, CloseSettings close,
                           TransportSetting transport) {

    /** A configuration with the CSV store, no operator's view and plain TCP. */
    public ServerConfig(int port, String serverIp, int listenBacklog, String loggingLevel, Level level,
                        int agencies, Path storagePath, int maxConnections, Duration idleTimeout,
                        Map<Long, String> agencyTokens, boolean syncWrites) {
        this(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath, maxConnections, idleTimeout,
                agencyTokens, syncWrites, StatusSettings.OFF, DatabaseSettings.NONE, TlsSettings.OFF,
                CloseSettings.NONE, TransportSetting.AUTO);
    }

    /** A configuration whose store writes are not forced to the disk (the default). */
    public ServerConfig(int port, String serverIp, int listenBacklog, String loggingLevel, Level level,
                        int agencies, Path storagePath, int maxConnections, Duration idleTimeout,
                        Map<Long, String> agencyTokens) {
        this(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath, maxConnections, idleTimeout,
                agencyTokens, false);
    }

    public ServerConfig {
        Objects.requireNonNull(serverIp, "serverIp");
        Objects.requireNonNull(loggingLevel, "loggingLevel");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(storagePath, "storagePath");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(close, "close");
        Objects.requireNonNull(transport, "transport");
        agencyTokens = Map.copyOf(agencyTokens);
    }

    /** The same configuration on another port (tests bind port 0). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(newPort, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, status, database, tls, close, transport);
    }

    /** The same configuration with another operator's view. */
    public ServerConfig withStatus(StatusSettings newStatus) {
        return new ServerConfig(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, newStatus, database, tls, close, transport);
    }

    /** The same configuration on another store. */
    public ServerConfig withDatabase(DatabaseSettings newDatabase) {
        return new ServerConfig(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, status, newDatabase, tls, close, transport);
    }

    /** The same configuration with another TLS setting. */
    public ServerConfig withTls(TlsSettings newTls) {
        return new ServerConfig(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, status, database, newTls, close, transport);
    }

    /** The same configuration with another close of betting. */
    public ServerConfig withClose(CloseSettings newClose) {
        return new ServerConfig(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, status, database, tls, newClose, transport);
    }

    /** The same configuration with other event-loop I/O. */
    public ServerConfig withTransport(TransportSetting newTransport) {
        return new ServerConfig(port, serverIp, listenBacklog, loggingLevel, level, agencies, storagePath,
                maxConnections, idleTimeout, agencyTokens, syncWrites, status, database, tls, close, newTransport);
    }
}
