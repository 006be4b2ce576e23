package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import ar.loteria.central.net.ConnectionLimit;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Answers 503 and closes a status connection beyond the limit, before reading anything of it, so that browsers and
 * scrapers cannot hold more than a bounded share of the central. {@code @Sharable}: one per status server counts
 * every status connection; any event loop.
 */
@Sharable
final class HttpConnectionLimitHandler extends ConnectionLimit {

    HttpConnectionLimitHandler(int limit) {
        super(limit);
    }

    @Override
    protected void refuse(ChannelHandlerContext ctx, int limit) {
        String reason = "more than " + limit + " status connections";
        CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), 503, reason);
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse busy = HttpReplies.text(HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
        busy.headers().setInt(HttpHeaderNames.RETRY_AFTER, 5);
        HttpReplies.close(ctx, busy);
    }
}
