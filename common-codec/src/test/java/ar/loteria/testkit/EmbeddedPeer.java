package ar.loteria.testkit;

import ar.loteria.codec.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.List;

/**
 * The other end of a pipeline running in an {@link EmbeddedChannel}: messages go in as frames, as that peer would
 * send them, and what the pipeline writes comes out decoded ({@link WireFrames}). Against the central's pipeline it
 * plays an agency; against the agency's, the central. Test thread only; call {@link #finish()} at the end.
 */
public final class EmbeddedPeer {

    private final EmbeddedChannel channel;
    /** Bytes the pipeline wrote and this peer has not decoded yet: the start of a frame still being written. */
    private final ByteBuf pending = Unpooled.buffer();

    public EmbeddedPeer(EmbeddedChannel channel) {
        this.channel = channel;
    }

    /** Sends one message as a complete frame. */
    public EmbeddedPeer send(Message message) {
        channel.writeInbound(WireFrames.frame(message));
        return this;
    }

    /** Sends raw bytes, as a peer that does not follow the protocol would; takes ownership of {@code bytes}. */
    public EmbeddedPeer sendRaw(ByteBuf bytes) {
        channel.writeInbound(bytes);
        return this;
    }

    /**
     * Every message the pipeline wrote since the last call, decoded, after running the channel's pending tasks. A
     * frame written only in part stays for the next call.
     */
    public List<Message> received() {
        channel.runPendingTasks();
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf part = (ByteBuf) out;
            pending.writeBytes(part);
            part.release();
        }
        List<Message> messages = WireFrames.decodeAll(pending);
        pending.discardReadBytes();
        return messages;
    }

    /** The one message the pipeline wrote since the last call; fails when it wrote none or several. */
    public Message receive() {
        List<Message> messages = received();
        if (messages.size() != 1) {
            throw new AssertionError("expected one message, got " + messages);
        }
        return messages.get(0);
    }

    /** Bytes of a frame the pipeline began and has not finished writing (0 when every frame is whole). */
    public int partialBytes() {
        return pending.readableBytes();
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    /** Releases what is left, in this peer and in the channel; call at the end of each test. */
    public void finish() {
        pending.release();
        channel.finishAndReleaseAll();
    }
}
