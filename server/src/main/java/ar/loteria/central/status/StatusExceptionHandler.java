package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.IOException;

/**
 * Last in a status connection's pipeline: a peer that went away is closed quietly; anything else is logged and the
 * connection closed. Never touches the bets port. {@code @Sharable}, stateless; any event loop.
 */
@Sharable
final class StatusExceptionHandler extends ChannelInboundHandlerAdapter {

    static final StatusExceptionHandler INSTANCE = new StatusExceptionHandler();

    private StatusExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            CentralLog.statusConnectionLost(ctx.channel().remoteAddress(), String.valueOf(cause.getMessage()));
        } else {
            CentralLog.statusRequestFailed(ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
