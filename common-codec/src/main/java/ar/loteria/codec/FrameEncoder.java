package ar.loteria.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Message} as a whole frame, its length header and its payload ({@link MessageEncoder}) in one
 * buffer, so each message is one buffer, one pipeline step and one entry in the outbound queue.
 *
 * <p>{@code @Sharable}: stateless, one instance serves every channel.
 */
@Sharable
public final class FrameEncoder extends MessageToByteEncoder<Message> {

    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Message.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Message msg, boolean preferDirect) {
        return MessageEncoder.allocate(ctx, msg, preferDirect, Frames.HEADER_BYTES);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        encode(msg, out);
    }

    /** Appends {@code msg} to {@code out} as a whole frame, length header first. Usable without a channel. */
    public static void encode(Message msg, ByteBuf out) {
        int header = out.writerIndex();
        out.writeInt(0);
        MessageEncoder.encode(msg, out);
        out.setInt(header, out.writerIndex() - header - Frames.HEADER_BYTES);
    }
}
