package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.logging.ActionLine;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refuses connections beyond the configured limit with a SERVER_BUSY reply, so a flood of connections cannot
 * exhaust the central. {@code @Sharable}: one instance per server counts every channel; any event loop.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimitHandler(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        int now = open.incrementAndGet();
        if (now > limit) {
            LOG.warn("{}", ActionLine.fail("aceptar_conexion").with("remote", ctx.channel().remoteAddress())
                    .withError("more than " + limit + " connections"));
            ctx.channel().config().setAutoRead(false);
            Replies.refuse(ctx.channel(), ErrorCode.SERVER_BUSY, 0, "more than " + limit + " connections");
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }
}
