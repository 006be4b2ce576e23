package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Bounds the requests one read of a status connection may bring: a client that pipelines more than {@code max}
 * without waiting for the answers is closed, and the rest of what it sent is dropped unanswered, so that no client
 * keeps the status thread rendering for it while health checks wait. Browsers, scrapers and probes send one request
 * at a time. Sits after the HTTP codec, which passes a read-complete event at the end of every read. Per channel;
 * its event loop only.
 */
final class PipeliningLimitHandler extends ChannelInboundHandlerAdapter {

    private final int max;
    private int inThisRead;
    private boolean closed;

    /**
     * @param max requests one read may bring
     */
    PipeliningLimitHandler(int max) {
        this.max = max;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest && ++inThisRead > max) {
            closed = true;
            ReferenceCountUtil.release(msg);
            CentralLog.statusConnectionLost(ctx.channel().remoteAddress(),
                    "more than " + max + " requests in one read, answers unread: closed");
            ctx.channel().config().setAutoRead(false);
            ctx.close();
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        inThisRead = 0;
        ctx.fireChannelReadComplete();
    }
}
