package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.central.net.ConnectionLimit;
import ar.loteria.codec.ErrorCode;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;

/**
 * Refuses connections beyond the configured limit with a SERVER_BUSY reply, so a flood of connections cannot
 * exhaust the central. {@code @Sharable}: one instance per server counts every channel; any event loop.
 */
@Sharable
final class ConnectionLimitHandler extends ConnectionLimit {

    ConnectionLimitHandler(int limit) {
        super(limit);
    }

    @Override
    protected void refuse(ChannelHandlerContext ctx, int limit) {
        CentralLog.connectionRefused(ctx.channel().remoteAddress(), "more than " + limit + " connections");
        // Nothing of it was read yet, so the refusal goes out at once.
        AgencyConnection.of(ctx.channel()).stopReading();
        AgencyConnection.of(ctx.channel()).refuseNow(ErrorCode.SERVER_BUSY, 0, "more than " + limit + " connections");
    }
}
