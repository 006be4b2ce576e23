package ar.loteria.codec;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Framing constants of the wire protocol and the factory for its frame decoder ({@link FrameEncoder} writes frames).
 *
 * <pre>
 * +----------------+------------------------------+
 * | length (u32 BE)| payload (length bytes)       |
 * +----------------+------------------------------+
 *   4 bytes          1 .. 8188 bytes
 * </pre>
 * The whole frame, header included, is at most {@link #MAX_FRAME_BYTES} bytes.
 */
public final class Frames {

    /** Size of the big-endian length header that precedes every payload. */
    public static final int HEADER_BYTES = 4;
    /** Largest frame on the wire, header included. */
    public static final int MAX_FRAME_BYTES = 8192;
    /** Largest payload a frame may carry. */
    public static final int MAX_PAYLOAD_BYTES = MAX_FRAME_BYTES - HEADER_BYTES;

    private Frames() {
    }

    /**
     * A new frame decoder: per channel, since it buffers partial frames. It fails fast, on the length header,
     * when a frame would exceed {@link #MAX_FRAME_BYTES}, so nothing of an oversize frame is buffered.
     */
    public static LengthFieldBasedFrameDecoder newDecoder() {
        return new LengthFieldBasedFrameDecoder(MAX_FRAME_BYTES, 0, HEADER_BYTES, 0, HEADER_BYTES, true);
    }
}
