package ar.loteria.central;

import ar.loteria.central.ledger.Ledger;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Winners;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

class AgencyConnectionTest {

    private static List<Winners> bigAnswer() {
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            documents.add(String.format("%08d", i));
        }
        return Winners.partsOf(documents);
    }

    private static AgencyConnection connection(EmbeddedChannel channel) {
        StorageDispatcher storage = Dispatchers.on(ImmediateEventExecutor.INSTANCE, Dispatchers.mockLedger(), 10);
        return AgencyConnection.attach(channel, storage);
    }

    private static long written(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            bytes += ((ByteBuf) out).readableBytes();
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }

    @Test
    void aConnectionOwedMoreThanItLeavesUnreadIsClosedInsteadOfBufferingWithoutBound() {
        // given: a connection whose replies pile up unsent (nothing is flushed while they are written)
        long[] queued = new long[1];
        ChannelOutboundHandlerAdapter counter = new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                queued[0] += ((ByteBuf) msg).readableBytes();
                ctx.write(msg, promise);
            }
        };
        EmbeddedChannel channel = new EmbeddedChannel(counter, FrameEncoder.INSTANCE);
        AgencyConnection connection = connection(channel);

        // when: it is owed its winners (7 kB) ten thousand times, as a peer that asked that often and never read
        connection.deliver(Reply.parkedAnswer(connection, bigAnswer(), 10_000));

        // then: it is closed once the unread replies pass the bound, after about a megabyte, not 70 MB
        assertFalse(channel.isActive());
        long bytes = queued[0];
        // (Netty counts a little per queued message on top of its bytes)
        assertTrue(bytes > AgencyConnection.MAX_UNREAD_REPLY_BYTES - 64 * 1024
                && bytes < AgencyConnection.MAX_UNREAD_REPLY_BYTES + 16 * 1024, "wrote " + bytes + " bytes");
        channel.finishAndReleaseAll();
    }

    @Test
    void oneLargeAnswerIsAlwaysWrittenWhole() {
        // given
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        AgencyConnection connection = connection(channel);

        // when: one answer far larger than the bound
        connection.deliver(Reply.parkedAnswer(connection, bigAnswer(), 1));
        connection.deliver(Reply.parkedAnswer(connection, bigAnswer(), 1));
        channel.flush();

        // then: both written, the connection open
        assertTrue(channel.isActive());
        assertTrue(written(channel) > 2 * 7_000);
        channel.finishAndReleaseAll();
    }

    @Test
    void readingStopsWhileRepliesWaitUnsentAndStartsAgainWhenTheyDrain() {
        // given: a connection with a small high-water mark for its unsent replies
        EmbeddedChannel channel = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 4096));
        AgencyConnection connection = connection(channel);

        // when: replies above the mark wait unsent
        connection.deliver(Reply.parkedAnswer(connection, bigAnswer(), 1));

        // then: not read while they wait
        assertFalse(channel.isWritable());
        assertFalse(channel.config().isAutoRead());

        // when: they drain
        channel.flush();
        connection.writabilityChanged();

        // then: read again
        assertTrue(channel.isWritable());
        assertTrue(channel.config().isAutoRead());
        channel.finishAndReleaseAll();
    }
}
