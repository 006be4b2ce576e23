package ar.loteria.bench.reference;

import ar.loteria.codec.Frames;
import ar.loteria.logging.ActionLine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The reference central's network side: one thread ("reference-selector") accepts, reads and writes every
 * connection, cuts the bytes into frames and answers each message (docs/PROTOCOL.md). Without a writer thread each
 * reply goes to its connection at once; with one, every reply goes through it in the order the messages came, so
 * no reply overtakes the rows written before it. Created and closed by {@link ReferenceCentral}'s main thread.
 */
final class SelectorLoop {

    private static final long JOIN_MILLIS = 5_000;
    /** What one read of one connection takes at most: room for a window of full frames. */
    private static final int READ_BYTES = 64 * 1024;

    /** A RESULTS request waiting for the draw. */
    private record Parked(Connection connection, long agency) {
    }

    private final Selector selector;
    private final ServerSocketChannel server;
    private final ReferenceLottery lottery;
    private final CsvAppender appender;
    private final Thread thread = new Thread(this::run, "reference-selector");
    private final Set<Connection> connections = new HashSet<>();
    private final List<Parked> parked = new ArrayList<>();
    private final List<Connection> toFlush = new ArrayList<>();
    /** Every connection is read into this one buffer; a frame's start that a read cuts off moves to the connection. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BYTES);
    private volatile boolean running = true;

    private SelectorLoop(Selector selector, ServerSocketChannel server, ReferenceLottery lottery,
                         CsvAppender appender) {
        this.selector = selector;
        this.server = server;
        this.lottery = lottery;
        this.appender = appender;
    }

    /** Listens on loopback at {@code port} (0: any free port); {@code appender} null acknowledges without storing. */
    static SelectorLoop open(int port, int backlog, ReferenceLottery lottery, CsvAppender appender)
            throws IOException {
        Selector selector = Selector.open();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        return new SelectorLoop(selector, server, lottery, appender);
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    void start() {
        if (appender != null) {
            appender.start(selector::wakeup);
        }
        thread.start();
    }

    /** Selector thread. */
    private void run() {
        try {
            while (running) {
                selector.select();
                for (CsvAppender.Task done = answered(); done != null; done = answered()) {
                    done.connection().waiting--;
                    send(done.connection(), done.reply());
                }
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid()) {
                        ready((Connection) key.attachment(), key);
                    }
                }
                for (Connection connection : toFlush) {
                    connection.flushQueued = false;
                    flush(connection);
                }
                toFlush.clear();
            }
        } catch (IOException | RuntimeException e) {
            // Without its selector the reference answers no one: stop, loudly, rather than leave agencies waiting.
            ReferenceCentral.error(ActionLine.fail("selector").withError(e));
            System.exit(1);
        }
    }

    private CsvAppender.Task answered() {
        return appender == null ? null : appender.answered();
    }

    private void accept() throws IOException {
        for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            Connection connection = new Connection(channel, key);
            key.attach(connection);
            connections.add(connection);
        }
    }

    private void ready(Connection connection, SelectionKey key) {
        try {
            if (key.isReadable()) {
                read(connection);
            } else if (key.isWritable()) {
                queueFlush(connection);
            }
        } catch (IOException | RuntimeException e) {
            // a reset peer, or a frame this trusting reader could not follow
            drop(connection);
        }
    }

    private void read(Connection connection) throws IOException {
        in.clear();
        connection.takePartial(in);
        if (connection.channel.read(in) < 0) {
            drop(connection);
            return;
        }
        in.flip();
        while (in.remaining() >= Frames.HEADER_BYTES) {
            int at = in.position();
            long length = Integer.toUnsignedLong(in.getInt(at));
            if (length == 0 || length > Frames.MAX_PAYLOAD_BYTES) {
                drop(connection);
                return;
            }
            if (in.remaining() < Frames.HEADER_BYTES + length) {
                break;
            }
            handle(connection, in, at + Frames.HEADER_BYTES, (int) length);
            if (connection.closed) {
                return;
            }
            in.position(at + Frames.HEADER_BYTES + (int) length);
        }
        connection.keepPartial(in);
    }

    /** One message: its payload is {@code length} bytes of {@code in} from {@code at}, the type byte first. */
    private void handle(Connection connection, ByteBuffer in, int at, int length) {
        int type = in.get(at) & 0xFF;
        if (connection.agency == 0 && type != Replies.HELLO) {
            drop(connection);
        } else if (type == Replies.HELLO) {
            connection.agency = u32(in, at + 2);
            reply(connection, Replies.welcome(connection.agency, 0));
        } else if (type == Replies.BETS) {
            long agency = u32(in, at + 1);
            int count = in.getShort(at + 9) & 0xFFFF;
            lottery.count(agency, in, at + 11, count);
            ByteBuffer ack = Replies.batchAck(u32(in, at + 5), count);
            if (appender == null) {
                send(connection, ack);
            } else {
                byte[] bets = new byte[length - 11];
                in.get(at + 11, bets);
                connection.waiting++;
                appender.submit(new CsvAppender.Task(connection, ack, agency, bets, count));
            }
        } else if (type == Replies.FINISH) {
            long agency = u32(in, at + 1);
            boolean drew = lottery.finish(agency);
            reply(connection, Replies.finishAck(agency, lottery.stored(agency)));
            if (drew) {
                parked.forEach(waiting -> reply(waiting.connection(), winners(waiting.agency())));
                parked.clear();
            }
        } else if (type == Replies.RESULTS) {
            long agency = u32(in, at + 1);
            if (lottery.drawn()) {
                reply(connection, winners(agency));
            } else {
                parked.add(new Parked(connection, agency));
            }
        } else {
            drop(connection);
        }
    }

    private ByteBuffer winners(long agency) {
        return Replies.winners(lottery.winnersOf(agency));
    }

    /** A reply that is no batch's: at once, or behind whatever waits at the writer thread. */
    private void reply(Connection connection, ByteBuffer reply) {
        if (appender == null) {
            send(connection, reply);
        } else {
            connection.waiting++;
            appender.submit(new CsvAppender.Task(connection, reply, 0, null, 0));
        }
    }

    private void send(Connection connection, ByteBuffer reply) {
        if (!connection.closed) {
            connection.send(reply);
            queueFlush(connection);
        }
    }

    /** Has the connection flushed once, when this round of the loop ends: one write for all its replies. */
    private void queueFlush(Connection connection) {
        if (!connection.flushQueued) {
            connection.flushQueued = true;
            toFlush.add(connection);
        }
    }

    private void flush(Connection connection) {
        try {
            connection.flush();
        } catch (IOException e) {
            drop(connection);
        }
    }

    private void drop(Connection connection) {
        connection.close();
        connections.remove(connection);
    }

    private static long u32(ByteBuffer in, int at) {
        return Integer.toUnsignedLong(in.getInt(at));
    }

    /**
     * Stops the selector thread, then closes every connection, the listener and the selector; returns how many
     * connections were open. Main thread, once.
     */
    int close() throws IOException, InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(JOIN_MILLIS);
        if (thread.isAlive()) {
            ReferenceCentral.error(ActionLine.fail("close_connections").withError("the selector thread did not stop"));
        }
        int open = connections.size();
        connections.forEach(Connection::close);
        server.close();
        selector.close();
        return open;
    }
}
