package ar.loteria.bench;

import ar.loteria.codec.Frames;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One I/O thread of the load generator ("load-io-N"): plain JDK NIO on one selector, no Netty, driving its share of
 * the agencies from connect to winners. Every agency's frames are sent straight from the load's buffer through one
 * view, and every reply is read into one buffer of the loop's own, so an agency costs its socket and a small state
 * machine. At most {@code connecting} of its agencies are between connecting and their WELCOME at a time, so
 * a burst of thousands stays within the central's accept backlog instead of waiting on TCP's retransmission timers.
 *
 * <p>Created and started by the run's thread, which then only waits for {@link #join}; everything else on the loop's
 * own thread.
 */
final class LoadLoop {

    private static final int READ_BYTES = 64 * 1024;

    private final Selector selector;
    private final InetSocketAddress central;
    private final List<LoadAgency> agencies;
    private final int connecting;
    private final ByteBuffer frames;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BYTES);
    private final Thread thread;
    private volatile String failure;
    private volatile boolean stop;
    private int nextToConnect;
    private int inHandshake;
    private volatile int finished;

    /**
     * @param frames     the load's buffer (read through a view of this loop's own)
     * @param connecting agencies of this loop that may be connecting and waiting for their WELCOME at once
     */
    LoadLoop(int index, InetSocketAddress central, List<LoadAgency> agencies, ByteBuffer frames, int connecting)
            throws IOException {
        this.selector = Selector.open();
        this.central = central;
        this.agencies = agencies;
        this.frames = frames.duplicate();
        this.connecting = connecting;
        this.thread = new Thread(this::run, "load-io-" + index);
    }

    void start() {
        thread.start();
    }

    /**
     * Waits until every agency of the loop got its winners or one failed; returns the failure, or null.
     * On a timeout the loop is stopped and that is the failure.
     */
    String join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        if (thread.isAlive()) {
            stop = true;
            selector.wakeup();
            thread.join(5_000);
            return failure != null ? failure : finished + " of " + agencies.size() + " agencies done in time";
        }
        return failure;
    }

    /** Stops the loop (another loop failed); its sockets close. Any thread. */
    void stop() {
        stop = true;
        selector.wakeup();
    }

    private void run() {
        try {
            while (finished < agencies.size() && failure == null && !stop) {
                connectMore();
                selector.select();
                long now = System.nanoTime();
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid()) {
                        ready((LoadAgency) key.attachment(), key, now);
                    }
                    if (failure != null) {
                        break;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = "the load generator's loop failed: " + e;
        } finally {
            for (LoadAgency agency : agencies) {
                close(agency);
            }
            try {
                selector.close();
            } catch (IOException e) {
                // the loop is over either way
            }
        }
    }

    private void connectMore() throws IOException {
        while (inHandshake < connecting && nextToConnect < agencies.size()) {
            LoadAgency agency = agencies.get(nextToConnect++);
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            agency.channel = channel;
            // On loopback the handshake is usually over when connect returns: then no wait for OP_CONNECT.
            boolean connected = channel.connect(central) || channel.finishConnect();
            agency.key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT,
                    agency);
            inHandshake++;
            if (connected) {
                write(agency, System.nanoTime());
            }
        }
    }

    private void ready(LoadAgency agency, SelectionKey key, long now) {
        try {
            if (key.isConnectable()) {
                agency.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
                write(agency, now);
            } else if (key.isWritable()) {
                write(agency, now);
            } else if (key.isReadable()) {
                read(agency, now);
            }
        } catch (IOException e) {
            failure = "agency " + agency.data.id() + ": " + e;
        }
    }

    private void write(LoadAgency agency, long now) throws IOException {
        if (agency.hasToSend()) {
            int ops = agency.send(frames, now) ? SelectionKey.OP_READ : SelectionKey.OP_WRITE;
            if (agency.key.interestOps() != ops) {
                agency.key.interestOps(ops);
            }
        }
    }

    private void read(LoadAgency agency, long now) throws IOException {
        in.clear();
        if (agency.partial != null) {
            in.put(agency.partial.flip());
            agency.partial = null;
        }
        if (agency.channel.read(in) < 0) {
            failure = "agency " + agency.data.id() + " lost its connection";
            return;
        }
        in.flip();
        boolean wasWelcomed = agency.welcomed();
        while (in.remaining() >= Frames.HEADER_BYTES) {
            int at = in.position();
            int length = in.getInt(at);
            if (length < 1 || length > Frames.MAX_PAYLOAD_BYTES) {
                failure = "agency " + agency.data.id() + ": a reply frame of " + length + " bytes";
                return;
            }
            if (in.remaining() < Frames.HEADER_BYTES + length) {
                break;
            }
            String wrong = agency.reply(in, at + Frames.HEADER_BYTES, length, now);
            if (wrong != null) {
                failure = wrong;
                return;
            }
            in.position(at + Frames.HEADER_BYTES + length);
        }
        if (in.hasRemaining()) {
            agency.partial = ByteBuffer.allocate(in.remaining()).put(in);
        }
        if (!wasWelcomed && agency.welcomed()) {
            inHandshake--;
        }
        if (agency.done()) {
            finished++;
            close(agency);
        } else {
            write(agency, now);
        }
    }

    private static void close(LoadAgency agency) {
        if (agency.channel != null && agency.channel.isOpen()) {
            try {
                agency.channel.close();
            } catch (IOException e) {
                // closing after the last reply, or after a failure: nothing to keep
            }
        }
    }

    /** The agencies that got their winners. */
    int finished() {
        return finished;
    }
}
