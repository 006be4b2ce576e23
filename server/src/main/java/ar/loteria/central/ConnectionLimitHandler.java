package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.ErrorCode;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the bets port's open connections and refuses each one beyond the configured limit as it becomes active,
 * before anything of it is read, with a SERVER_BUSY reply, so a flood of connections cannot exhaust the central.
 * {@code @Sharable}: one instance per server counts every channel; any event loop.
 */
@Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimitHandler(int limit) {
        this.limit = limit;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > limit) {
            CentralLog.connectionRefused(ctx.channel().remoteAddress(), "more than " + limit + " connections");
            // Nothing of it was read yet, so the refusal goes out at once.
            AgencyConnection.of(ctx.channel()).stopReading();
            AgencyConnection.of(ctx.channel()).refuseNow(ErrorCode.SERVER_BUSY, 0, "more than " + limit
                    + " connections");
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /** Connections open now, refused ones included until they close. */
    int open() {
        return open.get();
    }
}
