package ar.loteria.codec;

/**
 * A batch is in the store.
 *
 * @param first the batch's {@link BetBatch#first()}
 * @param count how many bets it held
 */
public record BatchAck(long first, int count) implements Message {

    @Override
    public MessageType type() {
        return MessageType.BATCH_ACK;
    }
}
