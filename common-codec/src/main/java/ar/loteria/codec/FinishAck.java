package ar.loteria.codec;

/**
 * The central has recorded that the agency finished.
 *
 * @param agency agency id
 * @param stored bets of the agency in the store
 */
public record FinishAck(long agency, long stored) implements Message {

    @Override
    public MessageType type() {
        return MessageType.FINISH_ACK;
    }
}
