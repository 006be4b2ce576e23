package ar.loteria.central;

import ar.loteria.codec.ResultsRequest;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/**
 * Hands RESULTS to the storage side, which answers with the agency's winners at once after the draw, or the moment
 * the draw happens: a request before it waits (no reply, no polling, no thread) and is forgotten if its connection
 * closes.
 *
 * <p>{@code @Sharable}: stateless; one instance per server. Event loop.
 */
@Sharable
final class ResultsHandler extends SimpleChannelInboundHandler<ResultsRequest> {

    private final StorageDispatcher storage;

    ResultsHandler(StorageDispatcher storage) {
        this.storage = storage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ResultsRequest request) {
        storage.results(AgencyConnection.of(ctx.channel()), request.agency());
    }
}
