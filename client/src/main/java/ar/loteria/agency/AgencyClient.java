package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.CentralAddress;
import ar.loteria.logging.ActionLine;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverChannelStrategy;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One agency run: connects to a central of its list, moving on to the next and retrying while none answers for
 * {@link AgencyTuning#retryBudget()} ({@link CentralRotation}), and reconnects whenever the connection is lost
 * before the winners arrived (each new connection resumes where the central's store ends, as its WELCOME says).
 * A central that leaves a request unanswered for the answer timeout counts as lost ({@link AnswerDeadlineHandler});
 * one whose store refuses bets is come back to more slowly ({@link StoragePacing}).
 * The run ends when {@link #outcome()} completes.
 *
 * <p>Threads: one event loop ("agency-io") for the connection, retries included; one "bet-sender-N" thread per
 * connection reading the bets; {@link #start()} and {@link #close(boolean)} from the caller's thread.
 */
public final class AgencyClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyClient.class);
    /**
     * Longest wait for one DNS answer. A DNS server on the agency's own network answers in milliseconds; one that
     * dropped the query (Podman's aardvark-dns drops some while it reloads, which it does at every container
     * start) is asked again at the next attempt, a second later, instead of holding the attempt for the connect
     * timeout.
     */
    static final Duration DNS_QUERY_TIMEOUT = Duration.ofSeconds(2);

    private final AgencyConfig config;
    private final AgencyTuning tuning;
    private final AgencyRun run;
    private final EventLoopGroup group;
    private final DnsAddressResolverGroup resolvers;
    /** One per entry of the central list, with that central's address and pipeline. */
    private final List<Bootstrap> bootstraps = new ArrayList<>();
    private final CentralRotation rotation;
    private final AtomicInteger senders = new AtomicInteger();
    private volatile boolean closing;
    private volatile Channel channel;
    private volatile BatchSender sender;
    /** Whether the current connection got its WELCOME; event loop only. */
    private boolean welcomed;

    public AgencyClient(AgencyConfig config, BetInput bets, AgencyTuning tuning) {
        this(config, bets, tuning, DnsServerAddressStreamProviders.platformDefault());
    }

    /** The same, asking {@code nameServers} instead of those of the system's resolver configuration. */
    AgencyClient(AgencyConfig config, BetInput bets, AgencyTuning tuning, DnsServerAddressStreamProvider nameServers) {
        this.config = config;
        this.tuning = tuning;
        this.run = new AgencyRun(config, bets, tuning, this::launchSender, new CompletableFuture<>());
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("agency-io"),
                NioIoHandler.newFactory());
        // Names are resolved without blocking the event loop, and a failed lookup is not remembered: a central's
        // name that does not resolve yet (its container just starting, a busy DNS server) is tried again with the
        // next attempt (for longer than other failures: CentralRotation). Each lookup asks from a new UDP socket,
        // so from a new source port, as the C library's resolver does, so that a flow the network lost track of
        // is not used again.
        this.resolvers = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(NioDatagramChannel.class)
                .socketChannelType(NioSocketChannel.class)
                .datagramChannelStrategy(DnsNameResolverChannelStrategy.ChannelPerResolution)
                .nameServerProvider(nameServers)
                .queryTimeoutMillis(Math.min(DNS_QUERY_TIMEOUT.toMillis(), tuning.connectTimeout().toMillis()))
                .negativeTtl(0));
        Bootstrap common = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .resolver(resolvers)
                .option(ChannelOption.TCP_NODELAY, true)
                // The wait for the draw may be long and silent: let TCP notice a central that vanished.
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) tuning.connectTimeout().toMillis());
        for (CentralAddress central : config.centrals()) {
            bootstraps.add(common.clone()
                    .remoteAddress(central.host(), central.port())
                    .handler(new AgencyInitializer(run, central)));
        }
        this.rotation = new CentralRotation(config, tuning);
    }

    /** Starts the first connection attempt; returns at once. */
    public void start() {
        group.execute(this::connect);
    }

    /** Completes once, when the run ends: with the winners, or with the failure's exit status. */
    public CompletableFuture<AgencyOutcome> outcome() {
        return run.outcome();
    }

    @Override
    public void close() {
        close(false);
    }

    /**
     * Stops the run in dependency order: the sender thread, the connection, the bets file, the event loop. Each
     * wait is bounded. Logs a line per resource, at INFO when {@code announce} (SIGTERM), else at DEBUG.
     */
    public void close(boolean announce) {
        closing = true;
        Level level = announce ? Level.INFO : Level.DEBUG;
        Duration timeout = tuning.closeTimeout();
        BatchSender current = sender;
        boolean senderEnded = true;
        if (current != null) {
            current.stop();
            senderEnded = awaitEnd(current, timeout);
            log(level, senderEnded, AgencyLog.senderStopped(senderEnded));
        }
        Channel ch = channel;
        if (ch != null) {
            boolean closed = ch.close().awaitUninterruptibly(timeout.toMillis());
            log(level, closed, AgencyLog.connectionClosed(closed));
        }
        if (current != null) {
            // The sender closes its file as it ends, so an ended sender means a closed file.
            log(level, senderEnded, AgencyLog.fileClosed(senderEnded, current.inputName()));
        }
        resolvers.close();
        boolean terminated = group.shutdownGracefully(0, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(2 * timeout.toMillis());
        log(level, terminated, AgencyLog.eventLoopClosed(terminated));
    }

    /** Event loop only. */
    private void connect() {
        if (closing || run.ended()) {
            return;
        }
        CentralAddress central = config.centrals().get(rotation.entry());
        bootstraps.get(rotation.entry()).connect()
                .addListener((ChannelFutureListener) future -> connected(future, central));
    }

    /** Event loop only: the outcome of a connection attempt. */
    private void connected(ChannelFuture future, CentralAddress central) {
        if (!future.isSuccess()) {
            connectFailed(central, future.cause(), unanswered(future.cause()));
            return;
        }
        // The retry budget is only reset by a WELCOME: a central that accepts and then closes (busy, TLS
        // mismatch, stopping) must not keep the agency retrying for ever.
        welcomed = false;
        Channel ch = future.channel();
        channel = ch;
        LOG.info("{}", AgencyLog.connected(central.text()));
        ch.closeFuture().addListener(closed -> connectionClosed(ch, central));
        if (closing) {
            ch.close();
        }
    }

    /**
     * Event loop only: an attempt on {@code central} failed, {@code unanswered} when nothing answered it; the next
     * entry is tried, unless time is up.
     */
    private void connectFailed(CentralAddress central, Throwable cause, boolean unanswered) {
        if (closing || run.ended()) {
            return;
        }
        LOG.debug("connection to {} failed: {}", central.text(), cause.toString());
        long delay = rotation.failed(System.nanoTime(), unanswered);
        if (delay < 0) {
            LOG.error("{}", AgencyLog.connectGaveUp(config.serverAddress(), rotation.failedAttempts(), cause));
            run.end(AgencyOutcome.failure(ExitStatus.SERVER_UNREACHABLE));
            return;
        }
        // With a list, the line names the central that failed; with one address it stays the course's line.
        LOG.info("{}", config.centrals().size() == 1 ? AgencyLog.connectRetry(rotation.failedAttempts())
                : AgencyLog.connectRetry(rotation.failedAttempts(), central.text()));
        group.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }

    /** Whether {@code cause} is, or was caused by, a name that did not resolve or a connection that timed out. */
    private static boolean unanswered(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Event loop only: a connection ended; unless the run is over, a new one (to the next central) resumes it. One
     * that got no WELCOME, closed by the central or dropped for want of an answer, is a failed attempt.
     */
    private void connectionClosed(Channel ch, CentralAddress central) {
        if (closing || run.ended()) {
            return;
        }
        if (!welcomed) {
            // HELLO unanswered is no answer (a central starved of CPU, or not a central); a close is one.
            String timedOut = ch.attr(AnswerDeadlineHandler.TIMED_OUT).get();
            connectFailed(central, new IOException(timedOut != null ? timedOut
                    : "the central closed the connection before WELCOME"), timedOut != null);
            return;
        }
        long delay = run.pacing().reconnectDelayNanos(rotation.dropped());
        LOG.warn("{}", AgencyLog.reconnecting(config.centrals().get(rotation.entry()).text()));
        group.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
    }

    /** Event loop (from the handler, on WELCOME): each connection's sender gets a thread of its own. */
    private void launchSender(BatchSender next) {
        welcomed = true;
        rotation.welcomed();
        sender = next;
        Thread thread = new Thread(next, "bet-sender-" + senders.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    private static boolean awaitEnd(BatchSender sender, Duration timeout) {
        try {
            return sender.awaitEnd(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A resource closed logs at {@code level}; one that would not close, at WARN. */
    private static void log(Level level, boolean closed, ActionLine line) {
        LOG.atLevel(closed ? level : Level.WARN).log("{}", line);
    }
}
