package ar.loteria.testkit;

import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * The wire as a test peer sees it, written once for every test: messages to frames (a 4-byte length, then the
 * payload), and bytes back to messages. Buffers it returns are unpooled heap buffers the caller releases.
 */
public final class WireFrames {

    private WireFrames() {
    }

    /** One message as one complete frame. */
    public static ByteBuf frame(Message message) {
        ByteBuf frame = Unpooled.buffer();
        FrameEncoder.encode(message, frame);
        return frame;
    }

    /** Several messages as frames back to back in one buffer, as one write of a pipelining agency. */
    public static ByteBuf frames(Message... messages) {
        ByteBuf all = Unpooled.buffer();
        for (Message message : messages) {
            FrameEncoder.encode(message, all);
        }
        return all;
    }

    /** Several messages as the bytes of one write. */
    public static byte[] bytes(Message... messages) {
        ByteBuf all = frames(messages);
        try {
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            return bytes;
        } finally {
            all.release();
        }
    }

    /**
     * Decodes every complete frame at the start of {@code received}, consuming them; a partial frame at the end is
     * left for more bytes. A length header no sender of this protocol writes (0, or over 8 kB) fails the test.
     */
    public static List<Message> decodeAll(ByteBuf received) {
        List<Message> messages = new ArrayList<>();
        while (received.readableBytes() >= Frames.HEADER_BYTES) {
            int length = received.getInt(received.readerIndex());
            if (length <= 0 || length > Frames.MAX_PAYLOAD_BYTES) {
                throw new AssertionError("a frame's length header says " + length + " bytes");
            }
            if (received.readableBytes() < Frames.HEADER_BYTES + length) {
                break;
            }
            received.skipBytes(Frames.HEADER_BYTES);
            messages.add(MessageDecoder.decode(received.readSlice(length)));
        }
        return messages;
    }
}
