package ar.loteria.codec;

import java.util.Objects;

/**
 * The central refused something.
 *
 * @param code   why
 * @param ref    the refused batch's {@link BetBatch#first()}, or 0 when the error is not about a batch
 * @param reason a human-readable explanation
 */
public record ErrorReply(ErrorCode code, long ref, String reason) implements Message {

    public ErrorReply {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(reason, "reason");
    }

    public ErrorReply(ErrorCode code, String reason) {
        this(code, 0, reason);
    }

    @Override
    public MessageType type() {
        return MessageType.ERROR;
    }
}
