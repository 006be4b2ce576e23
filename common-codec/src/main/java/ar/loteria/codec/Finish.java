package ar.loteria.codec;

/**
 * The agency has sent all its bets.
 *
 * @param agency agency id
 * @param total  how many bets the agency sent in all; the central checks it against what it stored
 */
public record Finish(long agency, long total) implements Message {

    @Override
    public MessageType type() {
        return MessageType.FINISH;
    }
}
