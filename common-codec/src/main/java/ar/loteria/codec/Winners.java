package ar.loteria.codec;

import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
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

    /** Splits a winners list into as many parts as it takes for each to fit one frame; the last part is marked. */
    public static List<Winners> partsOf(List<String> documents) {
        List<Winners> parts = new ArrayList<>();
        List<String> part = new ArrayList<>();
        int size = MessageEncoder.WINNERS_HEADER_BYTES;
        for (String document : documents) {
            int bytes = 1 + ByteBufUtil.utf8Bytes(document);
            if (size + bytes > Frames.MAX_PAYLOAD_BYTES || part.size() == 0xFFFF) {
                parts.add(new Winners(false, part));
                part = new ArrayList<>();
                size = MessageEncoder.WINNERS_HEADER_BYTES;
            }
            part.add(document);
            size += bytes;
        }
        parts.add(new Winners(true, part));
        return parts;
    }

    @Override
    public MessageType type() {
        return MessageType.WINNERS;
    }
}
