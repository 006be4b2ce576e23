package ar.loteria.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToByteEncoder;

/**
 * Writes a {@link Message} as one frame payload, the mirror of {@link MessageDecoder} (layout there and in
 * {@code docs/PROTOCOL.md}). {@link FrameEncoder} puts the length header in front of it; pipelines use that.
 *
 * <p>{@code @Sharable}: stateless, one instance serves every channel.
 */
@Sharable
public final class MessageEncoder extends MessageToByteEncoder<Message> {

    public static final MessageEncoder INSTANCE = new MessageEncoder();

    /** Bytes of a BETS payload before its first bet: type, agency, first, count. */
    public static final int BATCH_HEADER_BYTES = 1 + 4 + 4 + 2;
    /** Bytes of a WINNERS payload before its first document: type, last flag, count. */
    public static final int WINNERS_HEADER_BYTES = 1 + 1 + 2;
    /** Longest text a {@code str8} field carries, in UTF-8 bytes. */
    public static final int MAX_STR8_BYTES = 255;
    /** Longest text a {@code str16} field carries, in UTF-8 bytes, so any message fits one frame. */
    public static final int MAX_REASON_BYTES = 1024;

    private MessageEncoder() {
        super(Message.class);
    }

    /** Encoded size of one bet inside a BETS payload; the agency uses it to keep batches within a frame. */
    public static int betBytes(Bet bet) {
        return 4 + 2 + ByteBufUtil.utf8Bytes(bet.firstName()) + ByteBufUtil.utf8Bytes(bet.lastName())
                + ByteBufUtil.utf8Bytes(bet.document()) + ByteBufUtil.utf8Bytes(bet.birthdate());
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Message msg, boolean preferDirect) {
        return allocate(ctx, msg, preferDirect, 0);
    }

    /** A buffer sized for {@code msg}'s payload plus {@code header} bytes: a whole frame for a batch, else small. */
    static ByteBuf allocate(ChannelHandlerContext ctx, Message msg, boolean preferDirect, int header) {
        int estimate = header + (msg instanceof BetBatch ? Frames.MAX_PAYLOAD_BYTES : 60);
        return preferDirect ? ctx.alloc().ioBuffer(estimate) : ctx.alloc().heapBuffer(estimate);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message msg, ByteBuf out) {
        encode(msg, out);
    }

    /** Appends the payload of {@code msg} to {@code out}. Usable without a channel. */
    public static void encode(Message msg, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(msg.type().code());
        if (msg instanceof Hello hello) {
            out.writeByte(hello.version());
            writeU32(out, hello.agency());
            writeStr8(out, hello.token());
        } else if (msg instanceof BetBatch batch) {
            writeU32(out, batch.agency());
            writeU32(out, batch.first());
            writeU16(out, batch.bets().size());
            for (Bet bet : batch.bets()) {
                writeStr8(out, bet.firstName());
                writeStr8(out, bet.lastName());
                writeStr8(out, bet.document());
                writeStr8(out, bet.birthdate());
                writeU16(out, bet.number());
            }
        } else if (msg instanceof Finish finish) {
            writeU32(out, finish.agency());
            writeU32(out, finish.total());
        } else if (msg instanceof ResultsRequest request) {
            writeU32(out, request.agency());
        } else if (msg instanceof Welcome welcome) {
            writeU32(out, welcome.agency());
            writeU32(out, welcome.stored());
        } else if (msg instanceof BatchAck ack) {
            writeU32(out, ack.first());
            writeU16(out, ack.count());
        } else if (msg instanceof FinishAck ack) {
            writeU32(out, ack.agency());
            writeU32(out, ack.stored());
        } else if (msg instanceof Winners winners) {
            out.writeByte(winners.last() ? 1 : 0);
            writeU16(out, winners.documents().size());
            for (String document : winners.documents()) {
                writeStr8(out, document);
            }
        } else if (msg instanceof ErrorReply error) {
            writeU16(out, error.code().code());
            writeU32(out, error.ref());
            writeStr16(out, truncate(error.reason()));
        }
        int written = out.writerIndex() - start;
        if (written > Frames.MAX_PAYLOAD_BYTES) {
            throw new EncoderException(msg.type() + " payload of " + written + " bytes exceeds "
                    + Frames.MAX_PAYLOAD_BYTES);
        }
    }

    private static void writeU16(ByteBuf out, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new EncoderException("u16 out of range: " + value);
        }
        out.writeShort(value);
    }

    private static void writeU32(ByteBuf out, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new EncoderException("u32 out of range: " + value);
        }
        out.writeInt((int) value);
    }

    private static void writeStr8(ByteBuf out, String value) {
        int length = ByteBufUtil.utf8Bytes(value);
        if (length > MAX_STR8_BYTES) {
            throw new EncoderException("text of " + length + " bytes exceeds " + MAX_STR8_BYTES + ": " + value);
        }
        out.writeByte(length);
        ByteBufUtil.writeUtf8(out, value);
    }

    private static void writeStr16(ByteBuf out, String value) {
        out.writeShort(ByteBufUtil.utf8Bytes(value));
        ByteBufUtil.writeUtf8(out, value);
    }

    private static String truncate(String reason) {
        String text = reason;
        while (ByteBufUtil.utf8Bytes(text) > MAX_REASON_BYTES) {
            text = text.substring(0, text.length() / 2);
        }
        return text;
    }
}
