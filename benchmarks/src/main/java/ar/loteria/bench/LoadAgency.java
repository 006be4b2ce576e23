package ar.loteria.bench;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One agency of the load generator: the real agency's conversation (HELLO, a window of batches in flight, FINISH,
 * RESULTS) over batches built beforehand by the agency's own {@code BetBatcher} and already framed, so the clock
 * measures the central rather than the generator. Records when each batch was sent and acknowledged.
 *
 * <p>Per channel; event loop only. {@link #done()} completes with the number of winners.
 */
final class LoadAgency extends SimpleChannelInboundHandler<Message> {

    private final long agency;
    private final List<ByteBuf> frames;
    private final int[] counts;
    private final int window;
    private final long total;
    private final Timeline timeline;
    private final long[] sentAt;
    private final long[] ackTimes;
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final List<String> winners = new ArrayList<>();
    private int nextToSend;
    private int acked;

    /**
     * @param frames whole BETS frames, length header included, in order; each is sent once (as a duplicate)
     * @param counts bets per frame
     */
    LoadAgency(long agency, List<ByteBuf> frames, int[] counts, int window, Timeline timeline) {
        this.agency = agency;
        this.frames = frames;
        this.counts = counts;
        this.window = window;
        this.timeline = timeline;
        this.sentAt = new long[frames.size()];
        this.ackTimes = new long[frames.size()];
        long sum = 0;
        for (int count : counts) {
            sum += count;
        }
        this.total = sum;
    }

    CompletableFuture<Integer> done() {
        return done;
    }

    /** Send-to-ack time of every batch, in nanoseconds; read after {@link #done()}. */
    long[] latencies() {
        long[] latencies = new long[frames.size()];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = ackTimes[i] - sentAt[i];
        }
        return latencies;
    }

    /** Adds this agency's acknowledged bets to {@code slices}: slice i counts acks in [i, i+1) x width after start. */
    void addAcksTo(long[] slices, long startNanos, long widthNanos) {
        for (int i = 0; i < ackTimes.length; i++) {
            int slice = (int) Math.min(slices.length - 1, Math.max(0, (ackTimes[i] - startNanos) / widthNanos));
            slices[slice] += counts[i];
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(LoadGenerator.frame(new Hello(agency, "")));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
        if (msg instanceof Welcome welcome) {
            if (welcome.stored() != 0) {
                fail("the central already holds " + welcome.stored() + " bets of agency " + agency);
                return;
            }
            timeline.firstByte(System.nanoTime());
            sendMore(ctx);
        } else if (msg instanceof BatchAck ack) {
            ackTimes[acked] = System.nanoTime();
            if (ack.count() != counts[acked]) {
                fail("ack for " + ack.count() + " bets, expected " + counts[acked]);
                return;
            }
            acked++;
            if (acked == frames.size()) {
                timeline.lastAck(ackTimes[acked - 1]);
                timeline.finishSent(System.nanoTime());
                ctx.writeAndFlush(LoadGenerator.frame(new Finish(agency, total)));
            } else {
                sendMore(ctx);
            }
        } else if (msg instanceof FinishAck) {
            ctx.writeAndFlush(LoadGenerator.frame(new ResultsRequest(agency)));
        } else if (msg instanceof Winners part) {
            long now = System.nanoTime();
            timeline.winners(now);
            winners.addAll(part.documents());
            if (part.last()) {
                ctx.close();
                done.complete(winners.size());
            }
        } else if (msg instanceof ErrorReply error) {
            fail("agency " + agency + " refused: " + error.code() + " " + error.reason());
        }
    }

    private void sendMore(ChannelHandlerContext ctx) {
        boolean wrote = false;
        while (nextToSend < frames.size() && nextToSend - acked < window) {
            sentAt[nextToSend] = System.nanoTime();
            ctx.write(frames.get(nextToSend).retainedDuplicate());
            nextToSend++;
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail("agency " + agency + " lost its connection");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("agency " + agency + ": " + cause);
        ctx.close();
    }

    private void fail(String why) {
        done.completeExceptionally(new IllegalStateException(why));
    }
}
