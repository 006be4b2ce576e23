package ar.loteria.bench.reference;

import ar.loteria.codec.Frames;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference central's replies as whole frames (length header included), written from docs/PROTOCOL.md section 4
 * without the codec, which would bring Netty. Stateless; any thread.
 */
final class Replies {

    static final int HELLO = 0x01;
    static final int BETS = 0x02;
    static final int FINISH = 0x03;
    static final int RESULTS = 0x04;
    private static final int WELCOME = 0x81;
    private static final int BATCH_ACK = 0x82;
    private static final int FINISH_ACK = 0x83;
    private static final int WINNERS = 0x84;
    /** Type, last, count: what a WINNERS payload holds before its documents. */
    private static final int WINNERS_HEAD = 4;

    private Replies() {
    }

    /** WELCOME(agency, stored). */
    static ByteBuffer welcome(long agency, long stored) {
        return ByteBuffer.allocate(Frames.HEADER_BYTES + 9).putInt(9).put((byte) WELCOME).putInt((int) agency)
                .putInt((int) stored).flip();
    }

    /** BATCH_ACK(first, count). */
    static ByteBuffer batchAck(long first, int count) {
        return ByteBuffer.allocate(Frames.HEADER_BYTES + 7).putInt(7).put((byte) BATCH_ACK).putInt((int) first)
                .putShort((short) count).flip();
    }

    /** FINISH_ACK(agency, stored). */
    static ByteBuffer finishAck(long agency, long stored) {
        return ByteBuffer.allocate(Frames.HEADER_BYTES + 9).putInt(9).put((byte) FINISH_ACK).putInt((int) agency)
                .putInt((int) stored).flip();
    }

    /**
     * The WINNERS parts of a list of documents, in one buffer: a part is filled until the next document would push
     * its payload past the frame limit or it holds 65,535 documents; only the last part says {@code last = 1}.
     */
    static ByteBuffer winners(List<byte[]> documents) {
        List<List<byte[]>> parts = new ArrayList<>();
        List<byte[]> part = new ArrayList<>();
        int payload = WINNERS_HEAD;
        for (byte[] document : documents) {
            if (payload + 1 + document.length > Frames.MAX_PAYLOAD_BYTES || part.size() == 0xFFFF) {
                parts.add(part);
                part = new ArrayList<>();
                payload = WINNERS_HEAD;
            }
            part.add(document);
            payload += 1 + document.length;
        }
        parts.add(part);
        int bytes = parts.size() * (Frames.HEADER_BYTES + WINNERS_HEAD);
        for (byte[] document : documents) {
            bytes += 1 + document.length;
        }
        ByteBuffer frames = ByteBuffer.allocate(bytes);
        for (int i = 0; i < parts.size(); i++) {
            int start = frames.position();
            frames.putInt(0).put((byte) WINNERS).put((byte) (i == parts.size() - 1 ? 1 : 0))
                    .putShort((short) parts.get(i).size());
            for (byte[] document : parts.get(i)) {
                frames.put((byte) document.length).put(document);
            }
            frames.putInt(start, frames.position() - start - Frames.HEADER_BYTES);
        }
        return frames.flip();
    }
}
