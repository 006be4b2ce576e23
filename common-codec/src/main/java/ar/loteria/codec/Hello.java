package ar.loteria.codec;

import java.util.Objects;

/**
 * First message of every connection: which agency speaks, and its shared secret (empty when none is configured).
 *
 * @param version protocol version the agency speaks, {@link #VERSION}
 * @param agency  agency id, 1 or more
 * @param token   the agency's shared secret, or empty
 */
public record Hello(int version, long agency, String token) implements Message {

    /** The protocol version described in docs/PROTOCOL.md. */
    public static final int VERSION = 1;

    public Hello {
        Objects.requireNonNull(token, "token");
    }

    public Hello(long agency, String token) {
        this(VERSION, agency, token);
    }

    @Override
    public MessageType type() {
        return MessageType.HELLO;
    }
}
