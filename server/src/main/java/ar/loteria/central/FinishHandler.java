package ar.loteria.central;

import ar.loteria.codec.Finish;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Hands FINISH to the storage side, which records it (the draw may follow) and answers FINISH_ACK or an ERROR, after
 * the connection's earlier messages.
 *
 * <p>{@code @Sharable}: stateless; one instance per server. Event loop.
 */
@Sharable
final class FinishHandler extends SimpleChannelInboundHandler<Finish> {

    private final StorageDispatcher storage;

    FinishHandler(StorageDispatcher storage) {
        this.storage = storage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Finish finish) {
        storage.finish(AgencyConnection.of(ctx.channel()), finish.agency(), finish.total());
    }
}
