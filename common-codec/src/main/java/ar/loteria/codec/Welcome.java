package ar.loteria.codec;

/**
 * The central's answer to {@link Hello}.
 *
 * @param agency agency id the connection is now bound to
 * @param stored how many bets of this agency the central already holds; a reconnecting agency resumes there
 */
public record Welcome(long agency, long stored) implements Message {

    @Override
    public MessageType type() {
        return MessageType.WELCOME;
    }
}
