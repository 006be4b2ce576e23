package ar.loteria.agency;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.codec.WinningRule;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny central for one agency, speaking the real codec on 127.0.0.1: it stores batches that continue its store
 * exactly, acknowledges them, and answers RESULTS once {@link #draw()} has been called (or at once when built
 * with {@code drawAtOnce}). It can drop a connection after a given batch (stored, not acknowledged), and stop
 * and start again on the same port with the same store, like a restarted server. {@link #sharingStore()} gives a
 * second central on another port with the same store, as centrals sharing one database. It can also go silent
 * (a stopped process whose connections stay open), refuse batches with STORAGE_FAILURE while its store is "down",
 * and close the betting at a given batch (the draw made over what is stored, later batches refused with
 * DRAW_CLOSED). All state changes happen on one event loop, shared by such centrals; the lists are concurrent so
 * that the test thread can read them. Built with an {@link SslContext}, it speaks TLS.
 */
final class FakeCentral implements AutoCloseable {

    /** Documents per WINNERS part, small so that results span several parts. */
    private static final int WINNERS_PER_PART = 2;

    /** The store, the event loop and the draw, which centrals made by {@link #sharingStore()} have in common. */
    private static final class Shared {
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fake-central"),
                NioIoHandler.newFactory());
        final List<Bet> stored = new CopyOnWriteArrayList<>();
        final List<Long> batchFirsts = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final CountDownLatch resultsAsked = new CountDownLatch(1);
        final List<Parked> parked = new ArrayList<>();
        final AtomicInteger storageRefusals = new AtomicInteger();
        final List<Long> finishes = new CopyOnWriteArrayList<>();
        volatile boolean drawn;
        volatile boolean bettingClosed;
        volatile boolean storageDown;
    }

    final List<Bet> stored;
    final List<Long> batchFirsts;
    final List<String> violations;
    /** Connections to this central only. */
    final AtomicInteger connections = new AtomicInteger();
    final CountDownLatch resultsAsked;
    /** Batches and FINISHes refused with STORAGE_FAILURE, by every central of the store. */
    final AtomicInteger storageRefusals;
    /** The total of every FINISH answered with FINISH_ACK, in order, by every central of the store. */
    final List<Long> finishes;
    /** Messages this central received, answered or not. */
    final AtomicInteger received = new AtomicInteger();

    private final Shared shared;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Parked> parked;
    private volatile int dropAtBatch = -1;
    private volatile int closeBettingAtBatch = -1;
    private volatile int silentFromBatch = -1;
    private volatile boolean silent;
    /** Batches this central received. */
    private int batches;
    private final SslContext ssl;
    private Channel server;

    FakeCentral(boolean drawAtOnce) {
        this(drawAtOnce, null);
    }

    /** @param ssl server TLS context, or {@code null} for plain TCP */
    FakeCentral(boolean drawAtOnce, SslContext ssl) {
        this(new Shared(), ssl);
        shared.drawn = drawAtOnce;
    }

    private FakeCentral(Shared shared, SslContext ssl) {
        this.shared = shared;
        this.group = shared.group;
        this.stored = shared.stored;
        this.batchFirsts = shared.batchFirsts;
        this.violations = shared.violations;
        this.resultsAsked = shared.resultsAsked;
        this.storageRefusals = shared.storageRefusals;
        this.finishes = shared.finishes;
        this.parked = shared.parked;
        this.ssl = ssl;
    }

    /** Another central on the same store, draw and event loop, to {@link #start} on a port of its own. */
    FakeCentral sharingStore() {
        return new FakeCentral(shared, ssl);
    }

    /** Listens on 127.0.0.1:{@code port} (0 for any); returns the port. */
    int start(int port) throws InterruptedException {
        return start(port, NetUtil.SOMAXCONN);
    }

    /** Listens on 127.0.0.1:{@code port} (0 for any) with an accept queue of {@code backlog}; returns the port. */
    int start(int port, int backlog) throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, backlog)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast(Frames.newDecoder())
                                .addLast(FrameEncoder.INSTANCE)
                                .addLast(MessageDecoder.INSTANCE)
                                .addLast(new CentralHandler());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Like a server killed: stops listening and drops every connection, keeping the store. */
    void stop() throws InterruptedException {
        server.close().sync();
        channels.close().await(5, TimeUnit.SECONDS);
    }

    /**
     * While not {@code accepting}, connections are left in the kernel's accept queue, as by a process starved of CPU;
     * once it is full, new ones time out unanswered.
     */
    void accepting(boolean accepting) throws InterruptedException {
        server.eventLoop().submit(() -> server.config().setAutoRead(accepting)).sync();
    }

    /** Drops the connection when the {@code n}-th batch (from 1) arrives: stored, but not acknowledged. */
    void dropAtBatch(int n) {
        dropAtBatch = n;
    }

    /**
     * Goes silent, as a stopped process: connections stay open, everything they send is read and ignored, nothing
     * is answered (parked RESULTS included). New connections are still accepted, and get nothing either.
     */
    void goSilent() {
        silent = true;
    }

    /** Answers again after {@link #goSilent()}: from now on, not what it ignored while silent. */
    void answerAgain() {
        silent = false;
    }

    /** Goes silent ({@link #goSilent()}) when the {@code n}-th batch (from 1) arrives, which is not stored. */
    void goSilentAtBatch(int n) {
        silentFromBatch = n;
    }

    /** While {@code down}, batches and FINISHes are refused with STORAGE_FAILURE, as by a store that cannot write. */
    void storageDown(boolean down) {
        shared.storageDown = down;
    }

    /**
     * Closes the betting when the {@code n}-th batch (from 1) of this central arrives: the draw is made over what is
     * stored, and that batch, like every later new one, is refused with DRAW_CLOSED.
     */
    void closeBettingAtBatch(int n) {
        closeBettingAtBatch = n;
    }

    /** The draw: answers every parked RESULTS and every later one. */
    void draw() {
        group.execute(this::drawNow);
    }

    /** The draw, on the event loop. */
    private void drawNow() {
        shared.drawn = true;
        for (Parked request : parked) {
            if (!request.central().silent) {
                sendWinners(request.ctx());
            }
        }
        parked.clear();
    }

    /** Stops the event loop, and with it every central sharing it. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void sendWinners(ChannelHandlerContext ctx) {
        List<String> documents = stored.stream().filter(bet -> WinningRule.wins(bet.number())).map(Bet::document)
                .toList();
        int from = 0;
        do {
            int to = Math.min(documents.size(), from + WINNERS_PER_PART);
            ctx.write(new Winners(to == documents.size(), documents.subList(from, to)));
            from = to;
        } while (from < documents.size());
        ctx.flush();
    }

    /** A RESULTS waiting for the draw, on a connection to {@code central}. */
    private record Parked(FakeCentral central, ChannelHandlerContext ctx) {
    }

    /** One connection; event loop only. */
    private final class CentralHandler extends SimpleChannelInboundHandler<Message> {

        private long agency = -1;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connections.incrementAndGet();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
            received.incrementAndGet();
            if (msg instanceof BetBatch && batches + 1 == silentFromBatch) {
                silent = true;
            }
            if (silent) {
                return;
            }
            if (msg instanceof Hello hello) {
                agency = hello.agency();
                ctx.writeAndFlush(new Welcome(agency, stored.size()));
            } else if (msg instanceof BetBatch batch) {
                batchFirsts.add(batch.first());
                if (++batches == closeBettingAtBatch) {
                    shared.bettingClosed = true;
                    drawNow();
                }
                if (shared.bettingClosed) {
                    ctx.writeAndFlush(new ErrorReply(ErrorCode.DRAW_CLOSED, batch.first(), "betting closed"));
                    return;
                }
                if (shared.storageDown) {
                    shared.storageRefusals.incrementAndGet();
                    ctx.writeAndFlush(new ErrorReply(ErrorCode.STORAGE_FAILURE, batch.first(), "store down"));
                    return;
                }
                if (batch.first() != stored.size()) {
                    violations.add("batch from " + batch.first() + " but " + stored.size() + " stored");
                    ctx.writeAndFlush(new ErrorReply(ErrorCode.OUT_OF_SEQUENCE, batch.first(), "out of sequence"));
                    return;
                }
                stored.addAll(batch.bets());
                if (batches == dropAtBatch) {
                    ctx.close();
                    return;
                }
                ctx.writeAndFlush(new BatchAck(batch.first(), batch.bets().size()));
            } else if (msg instanceof Finish finish) {
                if (shared.storageDown) {
                    shared.storageRefusals.incrementAndGet();
                    ctx.writeAndFlush(new ErrorReply(ErrorCode.STORAGE_FAILURE, 0, "store down"));
                    return;
                }
                if (finish.total() != stored.size()) {
                    violations.add("FINISH with " + finish.total() + " but " + stored.size() + " stored");
                    ctx.writeAndFlush(new ErrorReply(ErrorCode.COUNT_MISMATCH, 0, "count mismatch"));
                    return;
                }
                finishes.add(finish.total());
                ctx.writeAndFlush(new FinishAck(agency, stored.size()));
            } else if (msg instanceof ResultsRequest) {
                resultsAsked.countDown();
                if (shared.drawn) {
                    sendWinners(ctx);
                } else {
                    parked.add(new Parked(FakeCentral.this, ctx));
                }
            } else {
                violations.add("unexpected " + msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            parked.removeIf(request -> request.ctx() == ctx);
        }
    }
}
