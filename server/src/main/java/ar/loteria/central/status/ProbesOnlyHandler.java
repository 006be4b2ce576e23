package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A status connection in the reserve kept for health checks ({@link HttpConnectionLimitHandler}): it may ask for
 * {@code /health} or {@code /ready} once, answered and then closed; any other request gets 503 and a close, and a
 * connection that has not been answered within the deadline is closed without a word. So a place of the reserve is
 * free again within the deadline, whatever its client does. Added to the pipeline by the connection limit, per
 * channel; its event loop only.
 */
final class ProbesOnlyHandler extends ChannelInboundHandlerAdapter {

    private static final Set<String> PROBES = Set.of("/health", "/ready");

    private final int limit;
    private final Duration deadline;
    private ScheduledFuture<?> closing;
    private boolean refused;

    /**
     * @param limit    the connections served as usual, for the refusal's words
     * @param deadline how long the connection may stay open
     */
    ProbesOnlyHandler(int limit, Duration deadline) {
        this.limit = limit;
        this.deadline = deadline;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        closing = ctx.executor().schedule(() -> {
            ctx.close();
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (request.decoderResult().isSuccess() && PROBES.contains(path)) {
            // One probe per connection: answered, then closed, which frees the place at once.
            HttpUtil.setKeepAlive(request, false);
            ctx.fireChannelRead(msg);
            return;
        }
        refused = true;
        ReferenceCountUtil.release(msg);
        String reason = "more than " + limit + " status connections: only /health and /ready are answered now";
        CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), 503, reason);
        FullHttpResponse busy = HttpReplies.text(HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
        busy.headers().setInt(HttpHeaderNames.RETRY_AFTER, 5);
        HttpReplies.close(ctx, busy);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closing.cancel(false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing.cancel(false);
        super.channelInactive(ctx);
    }
}
