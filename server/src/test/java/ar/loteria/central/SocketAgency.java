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

/** A blocking test agency over a real socket: one message out, one message in. */
final class SocketAgency implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    SocketAgency(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
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

    void setTimeoutMillis(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
