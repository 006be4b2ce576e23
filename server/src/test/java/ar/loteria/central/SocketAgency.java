package ar.loteria.central;

import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/** A blocking test agency over a real socket: one message out, one message in. */
final class SocketAgency implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    SocketAgency(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    SocketAgency send(Message message) throws IOException {
        ByteBuf payload = Unpooled.buffer();
        try {
            MessageEncoder.encode(message, payload);
            byte[] frame = new byte[4 + payload.readableBytes()];
            Unpooled.wrappedBuffer(frame).setInt(0, payload.readableBytes());
            payload.readBytes(frame, 4, payload.readableBytes());
            out.write(frame);
            out.flush();
        } finally {
            payload.release();
        }
        return this;
    }

    /** Several messages as frames back to back, in one write, as a pipelining agency sends them. */
    SocketAgency sendAll(Message... messages) throws IOException {
        ByteBuf all = AgencyWire.frames(messages);
        try {
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            sendRaw(bytes);
        } finally {
            all.release();
        }
        return this;
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Message receive() throws IOException {
        int length = in.readInt();
        byte[] payload = new byte[length];
        in.readFully(payload);
        return MessageDecoder.decode(Unpooled.wrappedBuffer(payload));
    }

    /** Whether the central closed the connection (reads end of stream within the socket timeout). */
    boolean closedByPeer() throws IOException {
        return in.read() < 0;
    }

    /**
     * Whether the central closed the connection: end of stream, or a reset (the central closes with bytes of ours
     * still unread when it stopped reading after an error).
     */
    boolean closedOrReset() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    /** The next message if one arrives within {@code millis}, else {@code null}. */
    Message receiveWithin(int millis) throws IOException {
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
    List<Message> receiveUntilClosed() throws IOException {
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
            List<Message> messages = new ArrayList<>();
            while (received.readableBytes() >= 4 && received.readableBytes() >= 4 + received.getInt(
                    received.readerIndex())) {
                messages.add(MessageDecoder.decode(received.readSlice(received.readInt())));
            }
            if (received.isReadable()) {
                throw new AssertionError(received.readableBytes() + " bytes of a cut reply after " + messages);
            }
            return messages;
        } finally {
            received.release();
        }
    }

    /** Bytes received and not read yet. */
    int available() throws IOException {
        return in.available();
    }

    /** Closes with a reset instead of an orderly close, as a killed process or a dropped link would. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    void setTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
