package ar.loteria.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.MessageToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one frame payload into one {@link Message}. The layout of every message is documented in
 * {@code docs/PROTOCOL.md}; in short, after the type byte:
 *
 * <pre>
 * HELLO      version u8 | agency u32 | token str8
 * BETS       agency u32 | first u32 | count u16 | count x bet
 * bet        first str8 | last str8 | document str8 | birthdate str8 | number u16
 * FINISH     agency u32 | total u32
 * RESULTS    agency u32
 * WELCOME    agency u32 | stored u32
 * BATCH_ACK  first u32 | count u16
 * FINISH_ACK agency u32 | stored u32
 * WINNERS    last u8 | count u16 | count x document str8
 * ERROR      code u16 | ref u32 | reason str16
 * </pre>
 * Integers are big-endian and unsigned; {@code str8}/{@code str16} are UTF-8 bytes behind a u8/u16 length.
 * Every length and count is checked against the bytes left before anything is read or allocated, and a payload
 * with bytes left over is refused: any deviation is a {@link CorruptedFrameException}.
 *
 * <p>{@code @Sharable}: stateless, one instance serves every channel.
 */
@Sharable
public final class MessageDecoder extends MessageToMessageDecoder<ByteBuf> {

    public static final MessageDecoder INSTANCE = new MessageDecoder();

    /** Smallest encoded bet: four empty strings (a length byte each) and the number. */
    static final int MIN_BET_BYTES = 4 + 2;

    private MessageDecoder() {
        super(ByteBuf.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(decode(frame));
    }

    /** Decodes one payload; the buffer's reader index moves past it. Usable without a channel. */
    public static Message decode(ByteBuf in) {
        need(in, 1, "type");
        MessageType type = MessageType.fromCode(in.readUnsignedByte());
        Message message = switch (type) {
            case HELLO -> new Hello(readU8(in, "version"), readU32(in, "agency"), readStr8(in, "token"));
            case BETS -> readBatch(in);
            case FINISH -> new Finish(readU32(in, "agency"), readU32(in, "total"));
            case RESULTS -> new ResultsRequest(readU32(in, "agency"));
            case WELCOME -> new Welcome(readU32(in, "agency"), readU32(in, "stored"));
            case BATCH_ACK -> new BatchAck(readU32(in, "first"), readU16(in, "count"));
            case FINISH_ACK -> new FinishAck(readU32(in, "agency"), readU32(in, "stored"));
            case WINNERS -> readWinners(in);
            case ERROR -> new ErrorReply(ErrorCode.fromCode(readU16(in, "code")), readU32(in, "ref"),
                    readStr16(in, "reason"));
        };
        if (in.isReadable()) {
            throw new CorruptedFrameException(in.readableBytes() + " bytes left after " + type + " message");
        }
        return message;
    }

    private static BetBatch readBatch(ByteBuf in) {
        long agency = readU32(in, "agency");
        long first = readU32(in, "first");
        int count = readU16(in, "count");
        if (count == 0) {
            throw new CorruptedFrameException("batch without bets");
        }
        need(in, count * MIN_BET_BYTES, "bets");
        // The bets are the bulk of all traffic: they are checked and kept as bytes, and Bet objects are only built
        // when someone asks for them (see WireBets).
        int length = in.readableBytes();
        if (length > Frames.MAX_PAYLOAD_BYTES) {
            // A frame cannot carry it; and WireBets keeps offsets in 13 bits.
            throw new CorruptedFrameException("BETS payload of " + length + " bytes is larger than a frame");
        }
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        BetReader reader = new BetReader(bytes, length);
        int[] layout = new int[count * WireBets.SLOTS_PER_BET];
        int at = 0;
        for (int i = 0; i < count; i++) {
            at = reader.field(layout, at, "first_name");
            at = reader.field(layout, at, "last_name");
            at = reader.field(layout, at, "document");
            at = reader.field(layout, at, "birthdate");
            layout[at++] = reader.u16("number");
        }
        if (reader.position != length) {
            throw new CorruptedFrameException((length - reader.position) + " bytes left after BETS message");
        }
        return new BetBatch(agency, first, new WireBets(bytes, layout, count));
    }

    /** A cursor over the bets part of a BETS payload. */
    private static final class BetReader {
        private final byte[] bytes;
        private final int limit;
        private int position;

        BetReader(byte[] bytes, int limit) {
            this.bytes = bytes;
            this.limit = limit;
        }

        int u16(String field) {
            if (limit - position < 2) {
                throw truncated(field, 2);
            }
            int value = (bytes[position] & 0xFF) << 8 | bytes[position + 1] & 0xFF;
            position += 2;
            return value;
        }

        /**
         * Checks one str8 field and records its start, its length and its byte classes in {@code layout}.
         *
         * @return the next slot of {@code layout}
         */
        int field(int[] layout, int at, String field) {
            if (position >= limit) {
                throw truncated(field, 1);
            }
            int length = bytes[position++] & 0xFF;
            if (limit - position < length) {
                throw truncated(field, length);
            }
            int start = position;
            position += length;
            // One pass over the bytes records what they hold and, where needed, checks their UTF-8.
            int classes = WireBets.classesOf(bytes, start, position);
            if (classes < 0) {
                throw new CorruptedFrameException("invalid UTF-8 in " + field);
            }
            layout[at] = WireBets.slot(start, length, classes);
            return at + 1;
        }

        private CorruptedFrameException truncated(String field, int needed) {
            return new CorruptedFrameException("truncated " + field + ": needs " + needed + " bytes, "
                    + (limit - position) + " left");
        }
    }

    private static Winners readWinners(ByteBuf in) {
        int last = readU8(in, "last");
        if (last > 1) {
            throw new CorruptedFrameException("winners flag must be 0 or 1, was " + last);
        }
        int count = readU16(in, "count");
        need(in, count, "documents");
        List<String> documents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            documents.add(readStr8(in, "document"));
        }
        return new Winners(last == 1, documents);
    }

    private static void need(ByteBuf in, int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw new CorruptedFrameException("truncated " + field + ": needs " + bytes + " bytes, "
                    + in.readableBytes() + " left");
        }
    }

    private static int readU8(ByteBuf in, String field) {
        need(in, 1, field);
        return in.readUnsignedByte();
    }

    private static int readU16(ByteBuf in, String field) {
        need(in, 2, field);
        return in.readUnsignedShort();
    }

    private static long readU32(ByteBuf in, String field) {
        need(in, 4, field);
        return in.readUnsignedInt();
    }

    private static String readStr8(ByteBuf in, String field) {
        return readUtf8(in, readU8(in, field), field);
    }

    private static String readStr16(ByteBuf in, String field) {
        return readUtf8(in, readU16(in, field), field);
    }

    private static String readUtf8(ByteBuf in, int length, String field) {
        need(in, length, field);
        int index = in.readerIndex();
        String value;
        if (isAscii(in, index, length)) {
            // Most names and every document and date are ASCII: a Latin-1 copy is exact and much faster.
            value = in.toString(index, length, StandardCharsets.ISO_8859_1);
        } else if (ByteBufUtil.isText(in, index, length, StandardCharsets.UTF_8)) {
            value = in.toString(index, length, StandardCharsets.UTF_8);
        } else {
            throw new CorruptedFrameException("invalid UTF-8 in " + field);
        }
        in.skipBytes(length);
        return value;
    }

    private static boolean isAscii(ByteBuf in, int index, int length) {
        int i = index;
        int end = index + length;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            if ((in.getLong(i) & 0x8080_8080_8080_8080L) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (in.getByte(i) < 0) {
                return false;
            }
        }
        return true;
    }
}
