package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.draw.Lottery;
import ar.loteria.central.storage.BetStore;
import ar.loteria.central.storage.CsvBetStore;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.logging.ActionLine;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The central: one bounded event-loop group for every connection, and one single-thread storage executor that owns
 * the bets file and the draw. {@link #start()} opens the store and listens; {@link #close()} shuts down in
 * dependency order, logging each closed resource.
 */
public final class CentralServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CentralServer.class);
    private static final long QUIET_MILLIS = 0;
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 5_000;

    private final ServerConfig config;
    private final SslContext ssl;
    private final int eventLoopThreads;
    private EventLoopGroup group;
    private EventExecutor storage;
    private BetStore store;
    private Lottery lottery;
    private ChannelGroup channels;
    private Channel listener;
    private CentralInitializer initializer;

    /**
     * @param ssl TLS context, or {@code null} for plain TCP
     */
    public CentralServer(ServerConfig config, SslContext ssl) {
        this(config, ssl, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    CentralServer(ServerConfig config, SslContext ssl, int eventLoopThreads) {
        this.config = config;
        this.ssl = ssl;
        this.eventLoopThreads = eventLoopThreads;
    }

    /** Opens the store, draws at once when no agency has to finish, and starts listening. */
    public void start() throws IOException, InterruptedException {
        store = CsvBetStore.open(config.storagePath(), config.syncWrites());
        storage = new DefaultEventExecutor(new DefaultThreadFactory("bet-storage"));
        try {
            // Reads the winners among the rows already stored (a restart); the storage thread owns it from here.
            lottery = new Lottery(store, config.agencies());
            storage.submit(() -> {
                lottery.start();
                return null;
            }).sync();
        } catch (Exception e) {
            close();
            throw e;
        }
        group = new MultiThreadIoEventLoopGroup(eventLoopThreads, new DefaultThreadFactory("central-io"),
                NioIoHandler.newFactory());
        channels = new DefaultChannelGroup("agencies", GlobalEventExecutor.INSTANCE);
        initializer = new CentralInitializer(config, lottery, storage, channels, ssl);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, config.listenBacklog())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer);
        try {
            listener = bootstrap.bind(new InetSocketAddress(config.port())).sync().channel();
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** The port the central listens on (useful when configured as 0). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Connections open now. */
    public int openConnections() {
        return initializer == null ? 0 : initializer.openConnections();
    }

    /**
     * Stops accepting, tells connected agencies the central is stopping, lets queued batches reach the file,
     * and closes the store. Every step waits a bounded time. Idempotent.
     */
    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            listener = null;
            LOG.info("{}", ActionLine.success("close_listener"));
        }
        if (channels != null) {
            int open = channels.size();
            channels.writeAndFlush(new ErrorReply(ErrorCode.SHUTTING_DOWN, "the central is stopping"))
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            channels.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            channels = null;
            LOG.info("{}", ActionLine.success("close_connections").with("conexiones", open));
        }
        if (group != null) {
            group.shutdownGracefully(QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
            group = null;
            LOG.info("{}", ActionLine.success("close_event_loops"));
        }
        if (storage != null) {
            // Runs what is queued (batches already taken get written) before it terminates.
            storage.shutdownGracefully(QUIET_MILLIS, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS * 2);
            storage = null;
            LOG.info("{}", ActionLine.success("close_storage_executor"));
        }
        if (store != null) {
            try {
                long bytes = store.size();
                store.close();
                ActionLine closed = ActionLine.success("close_store").with("file", config.storagePath())
                        .with("bytes", bytes);
                if (store instanceof CsvBetStore csv && config.syncWrites()) {
                    // How many disk flushes the grouped appends needed.
                    closed = closed.with("syncs", csv.syncs());
                }
                LOG.info("{}", closed);
            } catch (IOException e) {
                LOG.error("{}", ActionLine.fail("close_store").with("file", config.storagePath())
                        .withError(e.getMessage()));
            }
            store = null;
        }
    }
}
