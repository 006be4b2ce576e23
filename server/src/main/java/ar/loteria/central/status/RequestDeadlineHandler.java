package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a status connection may take to send a request head. While it waits for one (after it opens, and
 * after each complete response), the connection may stay silent for {@code idle}; once a byte of a request has
 * come, the rest of the head must come within {@code head}. A slow head is answered 408 and closed; an idle
 * connection is closed without a word, as keep-alive connections are. A response that does not end (the event
 * stream) ends the wait for good. Sits after the HTTP codec, which passes a read-complete event for every read,
 * even one that completed no request. Per channel; its event loop only.
 */
final class RequestDeadlineHandler extends ChannelDuplexHandler {

    private final long idleNanos;
    private final long headNanos;
    private ScheduledFuture<?> deadline;
    private boolean waiting;
    private boolean begun;
    private boolean requestInThisRead;

    RequestDeadlineHandler(Duration idle, Duration head) {
        this.idleNanos = idle.toNanos();
        this.headNanos = head.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            await(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!waiting) {
            await(ctx);
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            waiting = false;
            requestInThisRead = true;
            cancel();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (requestInThisRead) {
            // The read that brought a request (now answered) brought no more of interest: the wait starts afresh.
            // A next request begun in the same read is held to the idle deadline instead, still a bound.
            requestInThisRead = false;
        } else if (waiting && !begun) {
            // Bytes of a request came but not its whole head: from now on it has the shorter deadline.
            begun = true;
            schedule(ctx, headNanos);
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean responseEnds = msg instanceof LastHttpContent;
        super.write(ctx, msg, promise);
        if (responseEnds && ctx.channel().isActive()) {
            await(ctx);
        }
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

    private void await(ChannelHandlerContext ctx) {
        waiting = true;
        begun = false;
        schedule(ctx, idleNanos);
    }

    private void schedule(ChannelHandlerContext ctx, long nanos) {
        cancel();
        deadline = ctx.executor().schedule(() -> expired(ctx), nanos, TimeUnit.NANOSECONDS);
    }

    private void expired(ChannelHandlerContext ctx) {
        deadline = null;
        if (!waiting || !ctx.channel().isActive()) {
            return;
        }
        waiting = false;
        if (begun) {
            String reason = "request head not complete within " + Duration.ofNanos(headNanos).toSeconds() + " s";
            CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), 408, reason);
            HttpReplies.close(ctx, HttpReplies.text(HttpResponseStatus.REQUEST_TIMEOUT, reason));
        } else {
            ctx.close();
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }
}
