package ar.loteria.bench.reference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One agency's connection to the reference central: its socket, the bytes read and not yet cut into frames, the
 * replies not yet written, and how many of its messages wait at the writer thread. Per connection; selector thread
 * only.
 */
final class Connection {

    /** Messages of one connection that may wait at the writer thread before reading it pauses. */
    static final int MAX_WAITING = 64;

    private static final int READ_BYTES = 64 * 1024;

    final SocketChannel channel;
    final SelectionKey key;
    final ByteBuffer in = ByteBuffer.allocateDirect(READ_BYTES);
    private ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);
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

    /** Queues a reply (a whole frame, read from its position to its limit) to be written by {@link #flush()}. */
    void send(ByteBuffer reply) {
        if (out.remaining() < reply.remaining()) {
            ByteBuffer larger = ByteBuffer.allocateDirect(Math.max(out.capacity() * 2, out.position()
                    + reply.remaining()));
            larger.put(out.flip());
            out = larger;
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
        out.flip();
        if (out.hasRemaining()) {
            channel.write(out);
        }
        boolean left = out.hasRemaining();
        out.compact();
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
