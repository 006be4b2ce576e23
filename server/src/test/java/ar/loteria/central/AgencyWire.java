package ar.loteria.central;

import ar.loteria.codec.Message;
import ar.loteria.testkit.WireFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.List;

/** Plays an agency against a central pipeline in an {@link EmbeddedChannel}: frames in, decoded replies out. */
final class AgencyWire {

    private final EmbeddedChannel channel;
    private final ByteBuf received = Unpooled.buffer();

    AgencyWire(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** Sends one message as a complete frame. */
    AgencyWire send(Message message) {
        channel.writeInbound(frame(message));
        return this;
    }

    /** Sends raw bytes, as a peer that does not follow the protocol would. */
    AgencyWire sendRaw(ByteBuf bytes) {
        channel.writeInbound(bytes);
        return this;
    }

    /** Every reply written since the last call, decoded. */
    List<Message> replies() {
        channel.runPendingTasks();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf part = (ByteBuf) out;
            received.writeBytes(part);
            part.release();
        }
        List<Message> messages = WireFrames.decodeAll(received);
        received.discardReadBytes();
        return messages;
    }

    /** The single reply written since the last call. */
    Message reply() {
        List<Message> replies = replies();
        if (replies.size() != 1) {
            throw new AssertionError("expected one reply, got " + replies);
        }
        return replies.get(0);
    }

    EmbeddedChannel channel() {
        return channel;
    }

    /** Releases what is left; call at the end of each test. */
    void finish() {
        received.release();
        channel.finishAndReleaseAll();
    }

    /** Several messages as complete frames back to back in one buffer, as one write of a pipelining agency. */
    static ByteBuf frames(Message... messages) {
        return WireFrames.frames(messages);
    }

    static ByteBuf frame(Message message) {
        return WireFrames.frame(message);
    }
}
