package ar.loteria.codec;

/** The first payload byte of every frame: which message follows. Codes below 0x80 go from agency to central. */
public enum MessageType {
    HELLO(0x01),
    BETS(0x02),
    FINISH(0x03),
    RESULTS(0x04),
    WELCOME(0x81),
    BATCH_ACK(0x82),
    FINISH_ACK(0x83),
    WINNERS(0x84),
    ERROR(0xEE);

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    MessageType(int code) {
        this.code = code;
    }

    /** The wire byte. */
    public int code() {
        return code;
    }

    /** The type for a wire byte; an unknown byte is an {@link UnknownMessageTypeException}. */
    public static MessageType fromCode(int code) {
        MessageType type = code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new UnknownMessageTypeException(code);
        }
        return type;
    }
}
