package ar.loteria.central.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a listener's open connections and refuses each one beyond a limit as it becomes active, before anything
 * of it is read; how it refuses is the subclass's (a SERVER_BUSY reply on the bets port). The status port has a rule
 * of its own, with a reserve for health checks ({@code HttpConnectionLimitHandler}).
 * One instance per listener, {@code @Sharable} in its subclasses; any event loop.
 */
public abstract class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private final int limit;
    private final AtomicInteger open = new AtomicInteger();

    protected ConnectionLimit(int limit) {
        this.limit = limit;
    }

    @Override
    public final void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > limit) {
            refuse(ctx, limit);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public final void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /** Connections open now, refused ones included until they close. */
    public int open() {
        return open.get();
    }

    /** Refuses {@code ctx}'s connection, one over {@code limit}, on its event loop; the connection is closed after. */
    protected abstract void refuse(ChannelHandlerContext ctx, int limit);
}
