package ar.loteria.testkit;

import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.List;

/**
 * A blocking test agency over a real socket to a central on loopback: messages out as frames, replies in one at a
 * time. For tests that speak the protocol the way an agency written by someone else would. Test-owned: close it.
 */
public final class SocketAgency implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public SocketAgency(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one message as one frame, in one write. */
    public SocketAgency send(Message message) throws IOException {
        sendRaw(WireFrames.bytes(message));
        return this;
    }

    /** Several messages as frames back to back, in one write, as a pipelining agency sends them. */
    public SocketAgency sendAll(Message... messages) throws IOException {
        sendRaw(WireFrames.bytes(messages));
        return this;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public Message receive() throws IOException {
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return MessageDecoder.decode(Unpooled.wrappedBuffer(payload));
    }

    /** Whether the central closed the connection (reads end of stream within the socket timeout). */
    public boolean closedByPeer() throws IOException {
        return in.read() < 0;
    }

    /**
     * Whether the central closed the connection: end of stream, or a reset (the central closes with bytes of ours
     * still unread when it stopped reading after an error).
     */
    public boolean closedOrReset() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Reads and drops whatever the central sent until it closes the connection: true on end of stream or a reset,
     * false when nothing ends within the socket timeout.
     */
    public boolean closedAfterDraining() throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try {
            while (in.read(chunk) >= 0) {
                // dropped: only the close matters
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** The next message if one arrives within {@code millis}, else {@code null}. */
    public Message receiveWithin(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return receive();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /**
     * Every message until the central closes the connection (end of stream or reset); the bytes must end on a
     * frame boundary.
     */
    public List<Message> receiveUntilClosed() throws IOException {
        ByteBuf received = Unpooled.buffer();
        try {
            byte[] chunk = new byte[8192];
            try {
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    received.writeBytes(chunk, 0, n);
                }
            } catch (SocketException reset) {
                // closed with our bytes unread: what arrived before the reset is all there is
            }
            List<Message> messages = WireFrames.decodeAll(received);
            if (received.isReadable()) {
                throw new AssertionError(received.readableBytes() + " bytes of a cut reply after " + messages);
            }
            return messages;
        } finally {
            received.release();
        }
    }

    /** Bytes received and not read yet. */
    public int available() throws IOException {
        return in.available();
    }

    /** Closes with a reset instead of an orderly close, as a killed process or a dropped link would. */
    public void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    public void setTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
