package ar.loteria.codec;

/**
 * A decoded protocol message. Messages are immutable and never hold a {@code ByteBuf}, so reference counting
 * stays inside {@link MessageDecoder} and {@link MessageEncoder}.
 */
public sealed interface Message
        permits Hello, BetBatch, Finish, ResultsRequest, Welcome, BatchAck, FinishAck, Winners, ErrorReply {

    /** The wire type of this message. */
    MessageType type();
}
