package ar.loteria.central.status;

import ar.loteria.central.config.StatusSettings;
import ar.loteria.central.log.CentralLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The operator's view: an HTTP listener of its own (STATUS_PORT on STATUS_BIND) on an event loop of its own
 * ("central-status"), beside the bets port and sharing nothing with it: a render of the metrics or a client asking
 * in a tight loop takes CPU, but never holds up an agency's batches behind it on their event loop. It serves the
 * live page, its event stream, the status as JSON, Prometheus metrics and health checks, all read from a {@link
 * StatusSource}. {@link #start} starts its thread and binds it; {@link #close} stops the events, closes the listener
 * and every status connection, stops the thread, and logs it.
 */
public final class StatusServer implements AutoCloseable {

    /** Status connections served as usual at once, at most: a page uses two, a Prometheus server one. */
    static final int MAX_CONNECTIONS = 64;
    /** Event streams (pages watching) at once, at most: below {@link #MAX_CONNECTIONS}, so viewers leave room. */
    static final int MAX_EVENT_STREAMS = 48;
    /** Connections beyond {@link #MAX_CONNECTIONS} kept for {@code /health} and {@code /ready}. */
    static final int PROBE_RESERVE = 16;
    /** How long a connection of that reserve may stay open: an orchestrator's probe asks at once. */
    static final Duration PROBE_DEADLINE = Duration.ofSeconds(1);
    /** How long a status connection may wait silent for its next request. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a request head may take to arrive once its first byte has. */
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(10);
    /**
     * How often the page's event stream sends, and how long a render of the metrics is served again: as often as
     * the storage thread publishes the status.
     */
    static final Duration EVENT_PERIOD = Duration.ofMillis(250);
    /** Unsent bytes above which an event subscriber gets no more events until they drain (then the whole status). */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

    private final EventLoopGroup loop;
    private final Channel listener;
    private final ChannelGroup connections;
    private final EventStream events;

    private StatusServer(EventLoopGroup loop, Channel listener, ChannelGroup connections, EventStream events) {
        this.loop = loop;
        this.listener = listener;
        this.connections = connections;
        this.events = events;
    }

    /**
     * Starts the status event loop and binds the status port on it.
     *
     * @throws StatusPortException when the port cannot be bound (in use, not allowed, no such interface); nothing
     *                             is left running
     */
    public static StatusServer start(StatusSettings settings, StatusSource source) throws StatusPortException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("central-status"),
                NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("status", GlobalEventExecutor.INSTANCE);
        EventStream events = new EventStream(source, loop.next(), EVENT_PERIOD, MAX_EVENT_STREAMS);
        StatusMetrics metrics = new StatusMetrics(source, EVENT_PERIOD, System::nanoTime);
        StatusRequestHandler requests = new StatusRequestHandler(source, metrics, events, settings.token());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new StatusInitializer(connections, new HttpConnectionLimitHandler(MAX_CONNECTIONS,
                        PROBE_RESERVE, PROBE_DEADLINE), requests, IDLE_TIMEOUT, HEAD_TIMEOUT));
        try {
            Channel listener = bootstrap.bind(new InetSocketAddress(settings.bind(), settings.port())).sync()
                    .channel();
            return new StatusServer(loop, listener, connections, events);
        } catch (Exception e) {
            events.close();
            stop(loop);
            throw new StatusPortException(settings.port(), settings.bind(), e);
        }
    }

    /** The port the status listener is bound to. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /**
     * Closes the listener, stops the event stream, closes every status connection, stops the status event loop;
     * logs it. Bounded waits.
     */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        int open = connections.size();
        events.close();
        connections.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        stop(loop);
        CentralLog.closed("close_status_listener", "conexiones", open);
    }

    private static void stop(EventLoopGroup loop) {
        loop.shutdownGracefully(0, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * CLOSE_TIMEOUT_MILLIS);
    }
}
