package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Message;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.AttributeKey;

/**
 * One agency connection as the central sees it: which agency it speaks for, how many of its messages wait on the
 * storage side, and the rules that keep both directions bounded.
 *
 * <ul>
 *   <li>In: reading stops while {@value #PAUSE_AT} of its messages wait for the storage thread (the agency's
 *       default window), or while batches of all connections together are over the dispatcher's budget and some
 *       of its own wait; it resumes when its own answers come.</li>
 *   <li>Out: reading stops while its unsent replies are above the channel's high-water mark (Netty's
 *       writability); a connection that keeps asking while more than {@value #MAX_UNREAD_REPLY_BYTES} bytes of
 *       replies sit unread is closed, so replies never pile up without bound.</li>
 *   <li>Order: a reply decided on the event loop (a refusal) goes out at once only when nothing of the connection
 *       waits on the storage side; otherwise it queues behind, so replies keep the order of the messages.</li>
 * </ul>
 *
 * <p>One per channel, kept as a channel attribute. Counters and reading decisions belong to the channel's event
 * loop; {@link #agency()} and {@link #refused()} may be read from any thread.
 */
final class AgencyConnection {

    private static final AttributeKey<AgencyConnection> KEY = AttributeKey.valueOf("lottery.connection");

    /** Messages waiting for the storage thread at which reading stops: the agency's default window of batches. */
    static final int PAUSE_AT = 32;
    /** ... and below which it starts again (unless the budget over all connections is still exceeded). */
    static final int RESUME_BELOW = 16;
    /**
     * Unread reply bytes beyond which a connection that is still owed replies is closed. A full window of acks is a
     * few hundred bytes and one RESULTS answer is always written whole, so only a peer that keeps asking and never
     * reads comes near it.
     */
    static final long MAX_UNREAD_REPLY_BYTES = 1 << 20;

    private final Channel channel;
    private final StorageDispatcher storage;
    private volatile Long agency;
    private volatile boolean refused;
    /** Messages handed to the storage side and not answered yet. Event loop only. */
    private int waiting;
    /** Whether reading is paused for the messages waiting on the storage side. Event loop only. */
    private boolean backlogged;
    /** RESULTS handed to the storage side whose WINNERS have not come back (parked ones too). Event loop only. */
    private int resultsUnanswered;

    private AgencyConnection(Channel channel, StorageDispatcher storage) {
        this.channel = channel;
        this.storage = storage;
    }

    /** Creates the channel's connection state. Event loop, when the channel is initialized. */
    static AgencyConnection attach(Channel channel, StorageDispatcher storage) {
        AgencyConnection connection = new AgencyConnection(channel, storage);
        channel.attr(KEY).set(connection);
        return connection;
    }

    /** The channel's connection state. */
    static AgencyConnection of(Channel channel) {
        return channel.attr(KEY).get();
    }

    Channel channel() {
        return channel;
    }

    /** The agency this connection said HELLO for, or {@code null} before. Any thread. */
    Long agency() {
        return agency;
    }

    /** Event loop, on an accepted HELLO. */
    void bind(long id) {
        agency = id;
    }

    /**
     * Whether a closing ERROR has been decided for this connection: nothing it sends from then on is decoded or
     * acted on. Any thread.
     */
    boolean refused() {
        return refused;
    }

    /**
     * Refuses a message with an ERROR, in order: at once when nothing of the connection waits on the storage side,
     * else behind what waits. A closing code stops reading at once and closes once the ERROR is flushed. Event
     * loop only.
     */
    void refuse(ErrorCode code, long ref, String reason) {
        ErrorReply error = new ErrorReply(code, ref, reason);
        if (code.closesConnection()) {
            stopReading();
        }
        if (waiting == 0) {
            write(error, code.closesConnection());
            channel.flush();
        } else {
            storage.reply(this, error, code.closesConnection());
        }
    }

    /** Sends an ERROR now, whatever waits, and closes after it when its code says so. Any thread. */
    void refuseNow(ErrorCode code, long ref, String reason) {
        if (code.closesConnection()) {
            refused = true;
        }
        ChannelFuture written = channel.writeAndFlush(new ErrorReply(code, ref, reason));
        if (code.closesConnection()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Nothing more is read or acted on: a closing error is on its way. Event loop only. */
    void stopReading() {
        refused = true;
        channel.config().setAutoRead(false);
    }

    /** A message was handed to the storage side. Event loop only. */
    void queued() {
        waiting++;
    }

    /** After a message was handed over: pauses reading when too much of this connection waits. Event loop only. */
    void afterQueued() {
        updateReading();
    }

    /** A RESULTS was handed to the storage side. Event loop only. */
    void resultsAsked() {
        resultsUnanswered++;
    }

    /**
     * RESULTS of this connection not answered with WINNERS yet: while there are some, the storage side may hold
     * them parked. Event loop only.
     */
    int resultsUnanswered() {
        return resultsUnanswered;
    }

    /** Messages waiting on the storage side. Event loop only. */
    int waiting() {
        return waiting;
    }

    /**
     * Writes one answer from the storage side (without flushing) and reads again if it may. Event loop only.
     *
     * @see ReplyRouter
     */
    void deliver(Reply reply) {
        if (reply.completes()) {
            waiting--;
        }
        if (reply.answersResults()) {
            resultsUnanswered -= reply.times();
        }
        if (!reply.messages().isEmpty()) {
            // Replies to messages received before a closing error still go out, in order, before it.
            for (int time = 0; time < reply.times() && channel.isActive(); time++) {
                long unread = unreadReplyBytes();
                if (unread > MAX_UNREAD_REPLY_BYTES) {
                    CentralLog.repliesUnread(agency, channel.remoteAddress(), unread);
                    refused = true;
                    channel.close();
                    break;
                }
                for (int i = 0; i < reply.messages().size(); i++) {
                    boolean last = i == reply.messages().size() - 1;
                    write(reply.messages().get(i), last && reply.closes());
                }
            }
        }
        updateReading();
    }

    /** The channel's writability changed: reading follows it. Event loop only. */
    void writabilityChanged() {
        updateReading();
    }

    private void write(Message message, boolean thenClose) {
        if (thenClose) {
            refused = true;
            channel.write(message).addListener(ChannelFutureListener.CLOSE);
        } else {
            // A promise of its own rather than the void one: if the connection closes with this still queued, the
            // failed write is dropped quietly instead of firing an exception through the pipeline.
            channel.write(message);
        }
    }

    private long unreadReplyBytes() {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }

    /**
     * Reading goes on while few of the connection's messages wait for the storage thread (with hysteresis, and the
     * budget over all connections) and while its replies drain; never again once a closing error is decided.
     */
    private void updateReading() {
        if (refused) {
            return;
        }
        boolean overBudget = storage.overBudget();
        if (backlogged) {
            backlogged = waiting > 0 && (waiting >= RESUME_BELOW || overBudget);
        } else {
            backlogged = waiting >= PAUSE_AT || waiting > 0 && overBudget;
        }
        boolean read = !backlogged && channel.isWritable();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }
}
