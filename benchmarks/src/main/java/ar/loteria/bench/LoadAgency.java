package ar.loteria.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One agency of the load generator: the real agency's conversation (HELLO, a window of batches in flight, FINISH,
 * RESULTS) over frames prepared beforehand ({@link PreparedAgency}), as a small state machine that its
 * {@link LoadLoop} drives. Sending is moving an offset through the agency's frames in the load's buffer; replies are
 * read from the loop's buffer, so the agency holds no buffer of its own but the start of a reply cut by a read.
 * Checks every reply: WELCOME with nothing stored, each BATCH_ACK for the batch it acknowledges, and exactly its
 * winners, in order. Records when each batch was sent and acknowledged.
 *
 * <p>Per connection; its loop's thread only, apart from the figures read once the loop has ended.
 */
final class LoadAgency {

    private static final int WELCOME = 0x81;
    private static final int BATCH_ACK = 0x82;
    private static final int FINISH_ACK = 0x83;
    private static final int WINNERS = 0x84;
    private static final int ERROR = 0xEE;

    final PreparedAgency data;
    private final int window;
    private final Timeline timeline;
    private final long[] sentAt;
    private final long[] ackedAt;
    SocketChannel channel;
    SelectionKey key;
    /** The start of a reply that has not all arrived yet, or null. */
    ByteBuffer partial;
    /** Offset in the load's buffer of the next byte to send, and how far it may send now. */
    private int sent;
    private int allowed;
    /** Batches whose sending began (their time is recorded), and batches acknowledged. */
    private int stamped;
    private int acked;
    private long nextFirst;
    private int winnersSeen;
    private boolean welcomed;
    private boolean done;

    LoadAgency(PreparedAgency data, int window, Timeline timeline) {
        this.data = data;
        this.window = window;
        this.timeline = timeline;
        this.sentAt = new long[data.batches()];
        this.ackedAt = new long[data.batches()];
        this.sent = data.start();
        this.allowed = data.endOfBatch(-1);
    }

    boolean welcomed() {
        return welcomed;
    }

    boolean done() {
        return done;
    }

    /** Whether it has bytes it may send and has not sent yet. */
    boolean hasToSend() {
        return sent < allowed;
    }

    /**
     * Sends what it may through {@code frames} (the loop's view of the load's buffer); returns whether all of it went
     * (false: the socket is full, wait until it is writable).
     */
    boolean send(ByteBuffer frames, long now) throws IOException {
        while (stamped < sentAt.length && data.batchStart(stamped) < allowed) {
            sentAt[stamped++] = now;
        }
        frames.limit(allowed).position(sent);
        sent += channel.write(frames);
        return sent == allowed;
    }

    /**
     * Handles one reply, its payload {@code length} bytes of {@code in} from {@code at}; returns a failure's
     * description, or null.
     */
    String reply(ByteBuffer in, int at, int length, long now) {
        int type = in.get(at) & 0xFF;
        int batches = data.batches();
        if (type == WELCOME && !welcomed) {
            long stored = Integer.toUnsignedLong(in.getInt(at + 5));
            if (stored != 0) {
                return "the central already holds " + stored + " bets of agency " + data.id();
            }
            welcomed = true;
            timeline.firstByte(now);
            allowed = data.endOfBatch(Math.min(window, batches) - 1);
        } else if (type == BATCH_ACK && welcomed && acked < batches) {
            long first = Integer.toUnsignedLong(in.getInt(at + 1));
            int count = in.getShort(at + 5) & 0xFFFF;
            if (first != nextFirst || count != data.counts()[acked]) {
                return "agency " + data.id() + ": ack for " + count + " bets from " + first + ", expected "
                        + data.counts()[acked] + " from " + nextFirst;
            }
            ackedAt[acked++] = now;
            nextFirst += count;
            if (acked == batches) {
                timeline.lastAck(now);
                timeline.finishSent(now);
                allowed = data.finishEnd();
            } else {
                allowed = data.endOfBatch(Math.min(acked + window, batches) - 1);
            }
        } else if (type == FINISH_ACK && acked == batches) {
            allowed = data.resultsEnd();
        } else if (type == WINNERS && allowed == data.resultsEnd()) {
            timeline.winners(now);
            return winners(in, at, length);
        } else if (type == ERROR) {
            int code = in.getShort(at + 1) & 0xFFFF;
            int reasonLength = in.getShort(at + 7) & 0xFFFF;
            byte[] reason = new byte[Math.min(reasonLength, length - 9)];
            in.get(at + 9, reason);
            return "agency " + data.id() + " refused: code " + code + " " + new String(reason, StandardCharsets.UTF_8);
        } else {
            return "agency " + data.id() + ": unexpected reply of type " + type;
        }
        return null;
    }

    /** A WINNERS part: each document must be the next of the agency's winners; the last part ends it. */
    private String winners(ByteBuffer in, int at, int length) {
        boolean last = in.get(at + 1) != 0;
        int count = in.getShort(at + 2) & 0xFFFF;
        List<String> expected = data.winners();
        int next = at + 4;
        for (int i = 0; i < count; i++) {
            int size = in.get(next) & 0xFF;
            byte[] document = new byte[size];
            in.get(next + 1, document);
            next += 1 + size;
            String got = new String(document, StandardCharsets.UTF_8);
            if (winnersSeen >= expected.size() || !expected.get(winnersSeen).equals(got)) {
                return "agency " + data.id() + ": winner " + (winnersSeen + 1) + " is " + got + ", expected "
                        + (winnersSeen < expected.size() ? expected.get(winnersSeen) : "no more");
            }
            winnersSeen++;
        }
        if (next != at + length) {
            return "agency " + data.id() + ": a WINNERS part of " + length + " bytes holds " + (next - at);
        }
        if (last) {
            if (winnersSeen != expected.size()) {
                return "agency " + data.id() + " got " + winnersSeen + " winners, expected " + expected.size();
            }
            done = true;
        }
        return null;
    }

    /** Send-to-ack time of every batch, in nanoseconds; read after its loop has ended. */
    long[] latencies() {
        long[] latencies = new long[sentAt.length];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = ackedAt[i] - sentAt[i];
        }
        return latencies;
    }

    /** Adds this agency's acknowledged bets to {@code slices}: slice i counts acks in [i, i+1) x width after start. */
    void addAcksTo(long[] slices, long startNanos, long widthNanos) {
        for (int i = 0; i < ackedAt.length; i++) {
            int slice = (int) Math.min(slices.length - 1, Math.max(0, (ackedAt[i] - startNanos) / widthNanos));
            slices[slice] += data.counts()[i];
        }
    }
}
