package ar.loteria.agency;

import ar.loteria.agency.config.CentralAddress;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageType;
import ar.loteria.codec.Welcome;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * Drops a connection whose central leaves a request unanswered for the answer timeout. The central answers HELLO,
 * BETS and FINISH at once and in order (WELCOME, BATCH_ACK, FINISH_ACK, or an ERROR), so the oldest request waiting
 * is the next one answered, and it has waited since the last answer came or, when nothing was waiting, since it
 * was written. When that wait reaches the timeout, the central is taken for hung (stopped, frozen, or cut off while
 * its end of the TCP connection stays up): the handler logs it, marks the channel with {@link #TIMED_OUT} and closes
 * it, and the agency reconnects as after any other loss. RESULTS is not counted: the central parks it until the
 * draw, and {@link AgencyHandler}'s FINISH probes stand for it meanwhile.
 *
 * <p>Nothing waiting means no timer: the agency reading its file, or waiting for the draw between two probes, is
 * never timed out. One timer per connection at most, re-armed from itself, not one per message. A timer that runs
 * late by more than half the timeout means that this agency's own event loop was held up (a long pause of its
 * JVM, or of the whole machine), so the central gets a whole timeout again rather than being blamed for it.
 *
 * <p>Per channel (it holds the requests waiting). Event loop only.
 */
final class AnswerDeadlineHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AnswerDeadlineHandler.class);

    /** Set on a channel this handler closed: why, for the agency's log line should it give up. */
    static final AttributeKey<String> TIMED_OUT = AttributeKey.valueOf(AnswerDeadlineHandler.class, "timedOut");

    private final CentralAddress central;
    private final Duration timeout;
    private final long timeoutNanos;
    /** The types of the requests written and not answered yet, oldest first. */
    private final Queue<MessageType> waiting = new ArrayDeque<>();
    /** Since when the oldest waiting request has waited for its answer. */
    private long waitingSinceNanos;
    private ScheduledFuture<?> timer;
    /** When the pending timer was due to run. */
    private long timerDueNanos;

    /** @param timeout how long a request may wait for its answer; positive */
    AnswerDeadlineHandler(CentralAddress central, Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the answer timeout must be positive");
        }
        this.central = central;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
    }

    /** Whether the central answers {@code msg} at once; RESULTS it may park until the draw. */
    static boolean answeredAtOnce(Object msg) {
        return msg instanceof Hello || msg instanceof BetBatch || msg instanceof Finish;
    }

    /** Whether {@code msg} answers the oldest request answered at once. */
    static boolean isAnswer(Object msg) {
        return msg instanceof Welcome || msg instanceof BatchAck || msg instanceof FinishAck
                || msg instanceof ErrorReply;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (answeredAtOnce(msg)) {
            if (waiting.isEmpty()) {
                waitingSinceNanos = now(ctx);
                arm(ctx, waitingSinceNanos + timeoutNanos);
            }
            waiting.add(((Message) msg).type());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (isAnswer(msg) && waiting.poll() != null) {
            waitingSinceNanos = now(ctx);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** Requests written and not answered yet; for tests. */
    int waiting() {
        return waiting.size();
    }

    private void arm(ChannelHandlerContext ctx, long dueNanos) {
        if (timer == null) {
            timerDueNanos = dueNanos;
            timer = ctx.executor().schedule(() -> check(ctx), dueNanos - now(ctx), TimeUnit.NANOSECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (waiting.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        long now = now(ctx);
        if (now - timerDueNanos > timeoutNanos / 2) {
            LOG.debug("answer timer ran {} ms late: this agency was held up, the central gets a new timeout",
                    TimeUnit.NANOSECONDS.toMillis(now - timerDueNanos));
            waitingSinceNanos = now;
        }
        long due = waitingSinceNanos + timeoutNanos;
        if (now - due < 0) {
            arm(ctx, due);
            return;
        }
        MessageType oldest = waiting.peek();
        LOG.warn("{}", AgencyLog.noAnswer(central.text(), oldest, timeout));
        ctx.channel().attr(TIMED_OUT).set("no answer to " + oldest + " within " + timeout.toMillis() + " ms");
        ctx.close();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }
}
