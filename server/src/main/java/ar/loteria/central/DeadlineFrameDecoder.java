package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The protocol's frame decoder ({@link Frames#newDecoder()}'s settings) plus a deadline: once a frame has begun,
 * some frame must complete within the idle timeout, so a peer that stops mid-frame or trickles a byte now and then
 * is closed. A connection between frames (an agency waiting for the draw) is never timed out here.
 *
 * <p>Per channel: it buffers partial frames. Event loop only.
 */
final class DeadlineFrameDecoder extends LengthFieldBasedFrameDecoder {

    private final AgencyConnection connection;
    private final long timeoutNanos;
    /** The one pending check of the deadline, or {@code null}. */
    private ScheduledFuture<?> check;
    /** When the current partial frame began without a frame completing since; -1 between frames. */
    private long midFrameSince = -1;
    private boolean frameCompleted;

    DeadlineFrameDecoder(AgencyConnection connection, Duration timeout) {
        super(Frames.MAX_FRAME_BYTES, 0, Frames.HEADER_BYTES, 0, Frames.HEADER_BYTES, true);
        this.connection = connection;
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        if (connection.refused()) {
            // A closing ERROR went out: frames that arrived in the same read behind the bad one are dropped,
            // not decoded, so nothing after it is stored or answered.
            in.skipBytes(in.readableBytes());
            return null;
        }
        Object frame = super.decode(ctx, in);
        frameCompleted |= frame != null;
        return frame;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        // A completed frame restarts the clock: a pipelining agency is almost always mid-frame between reads.
        // Only a timestamp moves per read; the one scheduled check looks at it when it fires and schedules itself
        // again for what is left, so no timer is created or cancelled per read.
        if (actualReadableBytes() == 0) {
            midFrameSince = -1;
        } else if (frameCompleted || midFrameSince < 0) {
            midFrameSince = ctx.executor().ticker().nanoTime();
        }
        frameCompleted = false;
        if (midFrameSince >= 0 && check == null) {
            check = ctx.executor().schedule(() -> checkDeadline(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        super.handlerRemoved0(ctx);
    }

    private void checkDeadline(ChannelHandlerContext ctx) {
        check = null;
        if (midFrameSince < 0) {
            return;
        }
        long left = midFrameSince + timeoutNanos - ctx.executor().ticker().nanoTime();
        if (left > 0) {
            check = ctx.executor().schedule(() -> checkDeadline(ctx), left, TimeUnit.NANOSECONDS);
        } else {
            expire(ctx);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive() || connection.refused()) {
            return;
        }
        CentralLog.frameTimedOut(connection.agency(), ctx.channel().remoteAddress(),
                "frame incomplete after " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
        connection.refuse(ErrorCode.IDLE_TIMEOUT, 0, "frame not completed in time");
    }
}
