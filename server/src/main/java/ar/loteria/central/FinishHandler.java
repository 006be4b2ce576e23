package ar.loteria.central;

import ar.loteria.central.draw.Lottery;
import ar.loteria.central.draw.Outcome;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.RejectedExecutionException;

/**
 * Records on the storage executor that an agency has finished (which may trigger the draw) and answers FINISH_ACK.
 *
 * <p>{@code @Sharable}: stateless; one instance per server.
 */
@Sharable
final class FinishHandler extends SimpleChannelInboundHandler<Finish> {

    private final Lottery lottery;
    private final EventExecutor storage;

    FinishHandler(Lottery lottery, EventExecutor storage) {
        this.lottery = lottery;
        this.storage = storage;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Finish finish) {
        Channel channel = ctx.channel();
        long agency = finish.agency();
        try {
            storage.submit(() -> lottery.finish(agency, finish.total())).addListener(done -> {
                Outcome outcome = done.isSuccess() ? (Outcome) done.getNow() : null;
                if (outcome != null && outcome.acknowledged()) {
                    channel.writeAndFlush(new FinishAck(agency, finish.total()));
                } else if (outcome != null) {
                    Replies.refuse(channel, outcome.code(), 0, outcome.reason());
                } else {
                    Replies.refuse(channel, ErrorCode.STORAGE_FAILURE, 0, "the draw failed: " + done.cause());
                }
            });
        } catch (RejectedExecutionException e) {
            Replies.refuse(channel, ErrorCode.SHUTTING_DOWN, 0, "the central is stopping");
        }
    }
}
