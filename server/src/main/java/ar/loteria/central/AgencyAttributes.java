package ar.loteria.central;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** What the central remembers about a connection, as channel attributes. */
final class AgencyAttributes {

    /** Batches of the connection handed to the storage thread and not yet answered (event loop creates it). */
    static final AttributeKey<java.util.concurrent.atomic.AtomicInteger> PENDING_BATCHES =
            AttributeKey.valueOf("lottery.pendingBatches");

    /** The agency the connection said HELLO for; absent before HELLO. */
    static final AttributeKey<Long> AGENCY = AttributeKey.valueOf("lottery.agency");

    /**
     * Set when the central has sent an ERROR that closes the connection: the stream after it is not trusted, so
     * no further frame of it is decoded (see {@link DeadlineFrameDecoder}).
     */
    static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("lottery.refused");

    private AgencyAttributes() {
    }

    /** Whether a closing ERROR has been sent on the connection. Any thread. */
    static boolean refused(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(REFUSED).get());
    }

    /** The bound agency, or {@code null}. */
    static Long agencyOf(Channel channel) {
        return channel.attr(AGENCY).get();
    }
}
