package ar.loteria.central.status;

import ar.loteria.central.CentralLog;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers 503 and closes a status connection beyond the limit, before reading anything of it, so that browsers and
 * scrapers cannot hold more than a bounded share of the central. {@code @Sharable}: one per status server counts
 * every status connection; any event loop.
 */
@Sharable
final class HttpConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    HttpConnectionLimitHandler(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int now = open.incrementAndGet();
        if (now > limit) {
            String reason = "more than " + limit + " status connections";
            CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), 503, reason);
            ctx.channel().config().setAutoRead(false);
            FullHttpResponse busy = HttpReplies.text(HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
            busy.headers().setInt(HttpHeaderNames.RETRY_AFTER, 5);
            HttpReplies.close(ctx, busy);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /** Status connections open now. */
    int open() {
        return open.get();
    }
}
