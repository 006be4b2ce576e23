package ar.loteria.codec;

/**
 * The agency asks for its winners. Answered with {@link Winners} once the draw has happened.
 *
 * @param agency agency id
 */
public record ResultsRequest(long agency) implements Message {

    @Override
    public MessageType type() {
        return MessageType.RESULTS;
    }
}
