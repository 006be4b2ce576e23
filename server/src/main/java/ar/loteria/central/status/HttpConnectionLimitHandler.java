package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the status connections, so that browsers and scrapers cannot hold more than a bounded share of the
 * central, without ever leaving an orchestrator's health check out: up to {@code limit} connections are served as
 * usual; the next {@code reserve} are kept for {@code /health} and {@code /ready} ({@link ProbesOnlyHandler}: one
 * request, within {@code probeDeadline}, then closed), so that they are free again within that time whatever holds
 * the others; beyond both, a connection gets 503 and is closed before anything of it is read. {@code @Sharable}: one
 * per status server counts every status connection; any event loop.
 */
@Sharable
final class HttpConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final int limit;
    private final int reserve;
    private final Duration probeDeadline;
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param limit         connections served as usual
     * @param reserve       connections beyond {@code limit} kept for health checks
     * @param probeDeadline how long a connection of the reserve may take to ask, and be answered
     */
    HttpConnectionLimitHandler(int limit, int reserve, Duration probeDeadline) {
        this.limit = limit;
        this.reserve = reserve;
        this.probeDeadline = probeDeadline;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int now = open.incrementAndGet();
        if (now > limit + reserve) {
            refuse(ctx);
            return;
        }
        if (now > limit) {
            ctx.pipeline().addAfter(ctx.name(), StatusInitializer.PROBES_ONLY,
                    new ProbesOnlyHandler(limit, probeDeadline));
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    private void refuse(ChannelHandlerContext ctx) {
        String reason = "more than " + (limit + reserve) + " status connections";
        CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), 503, reason);
        ctx.channel().config().setAutoRead(false);
        FullHttpResponse busy = HttpReplies.text(HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
        busy.headers().setInt(HttpHeaderNames.RETRY_AFTER, 5);
        HttpReplies.close(ctx, busy);
    }
}
