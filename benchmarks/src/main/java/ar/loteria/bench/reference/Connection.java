package ar.loteria.bench.reference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One agency's connection to the reference central: its socket, the bytes of a frame read only in part, the
 * replies not yet written, and how many of its messages wait at the writer thread. Both buffers are small heap
 * buffers that exist only while they hold something (the selector loop reads every connection into one buffer of
 * its own), so ten thousand idle connections cost little more than their sockets. Per connection; selector thread
 * only.
 */
final class Connection {

    /** Messages of one connection that may wait at the writer thread before reading it pauses. */
    static final int MAX_WAITING = 64;

    final SocketChannel channel;
    final SelectionKey key;
    /** The start of a frame that has not all arrived yet, or null. */
    private ByteBuffer partial;
    /** Replies queued and not yet written, or null. */
    private ByteBuffer out;
    /** The agency its HELLO named; 0 before. */
    long agency;
    /** Messages handed to the writer thread and not yet answered. */
    int waiting;
    /** Whether the selector loop will flush it when this round ends. */
    boolean flushQueued;
    boolean closed;

    Connection(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    /** Puts the bytes of a frame begun in an earlier read at the start of {@code into}, and forgets them. */
    void takePartial(ByteBuffer into) {
        if (partial != null) {
            into.put(partial.flip());
            partial = null;
        }
    }

    /** Keeps what is left of {@code from} (the start of a frame) until the next read. */
    void keepPartial(ByteBuffer from) {
        if (from.hasRemaining()) {
            partial = ByteBuffer.allocate(from.remaining()).put(from);
        }
    }

    /** Queues a reply (a whole frame, read from its position to its limit) to be written by {@link #flush()}. */
    void send(ByteBuffer reply) {
        if (out == null) {
            out = ByteBuffer.allocate(Math.max(256, reply.remaining()));
        } else if (out.remaining() < reply.remaining()) {
            out = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + reply.remaining())).put(out.flip());
        }
        out.put(reply);
    }

    /**
     * Writes what it can of the queued replies, then says what to wait for: the socket's room while replies are left
     * (reading pauses, so a peer that does not read cannot make us buffer without bound), nothing while too many of
     * its messages wait at the writer thread, its next bytes otherwise.
     */
    void flush() throws IOException {
        if (closed) {
            return;
        }
        boolean left = false;
        if (out != null) {
            out.flip();
            channel.write(out);
            left = out.hasRemaining();
            out = left ? out.compact() : null;
        }
        key.interestOps(left ? SelectionKey.OP_WRITE : waiting >= MAX_WAITING ? 0 : SelectionKey.OP_READ);
    }

    void close() {
        closed = true;
        key.cancel();
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket the peer may already have reset: nothing to keep
        }
    }
}
