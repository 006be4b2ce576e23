package ar.loteria.central;

import ar.loteria.central.draw.Lottery;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Winners;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.EventExecutor;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Answers RESULTS with the agency's winners, at once after the draw, or the moment the draw happens: a request
 * before it waits (no reply, no polling, no thread). A waiting request is forgotten when its connection closes.
 *
 * <p>{@code @Sharable}: stateless; one instance per server. Waiting requests live in {@link Lottery}.
 */
@Sharable
final class ResultsHandler extends SimpleChannelInboundHandler<ResultsRequest> {

    private final Lottery lottery;
    private final EventExecutor storage;

    ResultsHandler(Lottery lottery, EventExecutor storage) {
        this.lottery = lottery;
        this.storage = storage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ResultsRequest request) {
        Channel channel = ctx.channel();
        long agency = request.agency();
        Consumer<List<String>> answer = documents -> {
            for (Winners part : Winners.partsOf(documents)) {
                channel.write(part);
            }
            channel.flush();
        };
        try {
            storage.execute(() -> {
                if (lottery.whenDrawn(agency, answer)) {
                    channel.closeFuture().addListener(closed -> forgetLater(agency, answer));
                }
            });
        } catch (RejectedExecutionException e) {
            Replies.refuse(channel, ErrorCode.SHUTTING_DOWN, 0, "the central is stopping");
        }
    }

    private void forgetLater(long agency, Consumer<List<String>> answer) {
        try {
            storage.execute(() -> lottery.forget(agency, answer));
        } catch (RejectedExecutionException e) {
            // The central is stopping: nothing is waiting any more.
        }
    }
}
