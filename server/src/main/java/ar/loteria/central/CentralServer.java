package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.ledger.LedgerOpener;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.central.status.Readiness;
import ar.loteria.central.status.StatusServer;
import ar.loteria.central.status.StatusSource;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The central: one bounded event-loop group for every connection, and the {@link StorageDispatcher}, whose single
 * storage thread owns the bets file and the draw. {@link #start()} opens the status port (when configured), the
 * store, and listens; {@link #close()} shuts down in dependency order, logging each closed resource. It is the
 * operator's view's {@link StatusSource}.
 */
public final class CentralServer implements AutoCloseable, StatusSource {

    private static final long QUIET_MILLIS = 0;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;
    /** Unsent replies above which a connection is no longer writable, and stops being read until they drain. */
    static final WriteBufferWaterMark REPLY_WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** How often the storage thread publishes the status for the operator's view. */
    static final Duration STATUS_PERIOD = Duration.ofMillis(250);

    private final ServerConfig config;
    private final SslContext ssl;
    private final int eventLoopThreads;
    private final EventLoopTransport transport;
    private final LedgerOpener ledger;
    private EventLoopGroup group;
    // Volatile: the status port's event loops read them while the central starts and stops.
    private volatile StorageDispatcher storage;
    private ChannelGroup channels;
    private Channel listener;
    private volatile CentralInitializer initializer;
    private StatusServer statusServer;
    private volatile Readiness readiness = Readiness.STARTING;

    /**
     * A central with one event loop per core.
     *
     * @param ssl    TLS context, or {@code null} for plain TCP
     * @param ledger opens the store the configuration names, on the storage thread
     */
    public CentralServer(ServerConfig config, SslContext ssl, LedgerOpener ledger) {
        this(config, ssl, Math.max(1, Runtime.getRuntime().availableProcessors()), ledger);
    }

    /** As above, with {@code eventLoopThreads} event loops (tests and benchmarks pick their own). */
    public CentralServer(ServerConfig config, SslContext ssl, int eventLoopThreads, LedgerOpener ledger) {
        this.config = config;
        this.ssl = ssl;
        this.eventLoopThreads = eventLoopThreads;
        this.transport = EventLoopTransport.of(config.transport());
        this.ledger = ledger;
    }

    /**
     * Opens the status port first (so that {@code /health} answers and {@code /ready} says 503 while the store
     * opens), then the store on the storage thread (drawing at once when no agency has to finish), and starts
     * listening; then the central is ready.
     *
     * @throws Exception when the store cannot be opened (an {@link UnusableStoreException}, which names the file
     *                   at fault), the port cannot be bound, or the status port cannot (a {@code
     *                   StatusPortException}); nothing is left running
     */
    public void start() throws Exception {
        if (transport.fallback() != null) {
            CentralLog.transportFallback(config.transport().configName(), transport.name(), transport.fallback());
        }
        group = new MultiThreadIoEventLoopGroup(eventLoopThreads, new DefaultThreadFactory("central-io"),
                transport.handlers());
        try {
            if (config.status().enabled()) {
                statusServer = StatusServer.start(config.status(), this);
            }
            storage = openStore();
        } catch (Exception e) {
            close();
            throw e;
        }
        if (statusServer != null) {
            // Only the status port reads what is published; building it walks every agency's tally.
            storage.publishStatusEvery(STATUS_PERIOD);
        }
        channels = new DefaultChannelGroup("agencies", GlobalEventExecutor.INSTANCE);
        initializer = new CentralInitializer(config, storage, channels, ssl);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, config.listenBacklog())
                .option(ChannelOption.SO_REUSEADDR, true)
                // No TCP_NODELAY here: every transport's channel sets it when it is created (Netty's default), and
                // setting it again would cost each connection one more system call.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, REPLY_WATER_MARK)
                .childHandler(initializer);
        try {
            listener = bootstrap.bind(new InetSocketAddress(config.port())).sync().channel();
        } catch (Exception e) {
            close();
            throw e;
        }
        readiness = Readiness.READY;
    }

    /** Opens the store; whatever stops it is an {@link UnusableStoreException}, not a port that cannot listen. */
    private StorageDispatcher openStore() throws UnusableStoreException {
        try {
            return StorageDispatcher.open(ledger);
        } catch (UnusableStoreException e) {
            throw e;
        } catch (Exception e) {
            throw new UnusableStoreException(String.valueOf(e), e);
        }
    }

    /** The port the central listens on (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The event loops' I/O: epoll, io_uring or nio. */
    public String transport() {
        return transport.name();
    }

    /** The port of the operator's view, or 0 when it is off. */
    public int statusPort() {
        return statusServer == null ? 0 : statusServer.port();
    }

    /** Connections open now. */
    @Override
    public int openConnections() {
        CentralInitializer connections = initializer;
        return connections == null ? 0 : connections.openConnections();
    }

    /** The latest status the storage thread published, or {@code null} before {@link #start()}. Any thread. */
    @Override
    public CentralStatus status() {
        StorageDispatcher dispatcher = storage;
        return dispatcher == null ? null : dispatcher.status();
    }

    /** Any thread. */
    @Override
    public Readiness readiness() {
        return readiness;
    }

    /**
     * Stops accepting, tells connected agencies the central is stopping, lets queued batches reach the file,
     * and closes the store. Every step waits a bounded time. Idempotent.
     */
    @Override
    public void close() {
        readiness = Readiness.STOPPING;
        if (listener != null) {
            listener.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            listener = null;
            CentralLog.closed("close_listener");
        }
        if (channels != null) {
            int open = channels.size();
            channels.writeAndFlush(new ErrorReply(ErrorCode.SHUTTING_DOWN, "the central is stopping"))
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            channels = null;
            CentralLog.closed("close_connections", "conexiones", open);
        }
        if (statusServer != null) {
            statusServer.close();
            statusServer = null;
        }
        if (group != null) {
            group.shutdownGracefully(QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
            group = null;
            CentralLog.closed("close_event_loops");
        }
        if (storage != null) {
            // Stores what is queued, closes the store on its own thread, then stops that thread.
            storage.close();
            storage = null;
        }
    }
}
