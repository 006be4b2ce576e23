package ar.loteria.codec;

import java.util.List;

/**
 * Part of an agency's winners: their documents. A long list spans several frames; the agency has them all
 * when a part with {@code last} set arrives.
 *
 * @param last      whether this is the final part
 * @param documents the documents (DNI) of this part
 */
public record Winners(boolean last, List<String> documents) implements Message {

    public Winners {
        documents = List.copyOf(documents);
    }

    @Override
    public MessageType type() {
        return MessageType.WINNERS;
    }
}
