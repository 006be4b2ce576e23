package ar.loteria.codec;

import io.netty.handler.codec.CorruptedFrameException;

/** Why the central refused something; carried by {@link ErrorReply}. Codes are stable wire values. */
public enum ErrorCode {
    /** The frame could not be decoded (truncated or overlong fields, bad UTF-8, bad counts). Closes. */
    MALFORMED_FRAME(1, true),
    /** The first payload byte names no message. Closes. */
    UNKNOWN_TYPE(2, true),
    /** The length header announces more than 8,192 bytes, or a negative length. Closes. */
    FRAME_TOO_LONG(3, true),
    /** A message other than HELLO arrived before HELLO. Closes. */
    NOT_IDENTIFIED(4, true),
    /** The message names another agency than the one this connection said HELLO for. */
    WRONG_AGENCY(5, false),
    /** A bet of the batch is invalid; nothing of the batch was stored. */
    INVALID_BET(6, false),
    /** The agency already said FINISH; the batch was not stored. */
    BETS_AFTER_FINISH(7, false),
    /** HELLO with a wrong or missing token for an agency that has one. Closes. */
    AUTH_FAILED(8, true),
    /** The store could not write the batch; nothing of it is acknowledged. */
    STORAGE_FAILURE(9, false),
    /** Too many open connections. Closes. */
    SERVER_BUSY(10, true),
    /** The central is shutting down; the message was not processed. Closes. */
    SHUTTING_DOWN(11, true),
    /** Nothing arrived for too long in the middle of a conversation. Closes. */
    IDLE_TIMEOUT(12, true),
    /** The batch does not start where the agency's stored bets end (a gap or a partial overlap). */
    OUT_OF_SEQUENCE(13, false),
    /** FINISH announced another total than the bets stored for the agency. */
    COUNT_MISMATCH(14, false),
    /** A second HELLO on one connection, or a protocol version the central does not speak. Closes. */
    BAD_HELLO(15, true),
    /** The draw has already happened; no more bets are taken. */
    DRAW_CLOSED(16, false);

    private final int code;
    private final boolean closes;

    ErrorCode(int code, boolean closes) {
        this.code = code;
        this.closes = closes;
    }

    /** The u16 wire value. */
    public int code() {
        return code;
    }

    /** Whether the central closes the connection after sending this error. */
    public boolean closesConnection() {
        return closes;
    }

    /** The code for a wire value; an unknown value is a {@link CorruptedFrameException}. */
    public static ErrorCode fromCode(int code) {
        for (ErrorCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        throw new CorruptedFrameException("unknown error code " + code);
    }
}
