package ar.loteria.codec;

import io.netty.handler.codec.CorruptedFrameException;

/** A payload's type byte names no {@link MessageType}. */
public final class UnknownMessageTypeException extends CorruptedFrameException {

    private static final long serialVersionUID = 1L;

    public UnknownMessageTypeException(int code) {
        super(String.format("unknown message type 0x%02x", code));
    }
}
