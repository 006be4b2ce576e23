package ar.loteria.central;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/** What the central remembers about a connection, as channel attributes. */
final class AgencyAttributes {

    /** The agency the connection said HELLO for; absent before HELLO. */
    static final AttributeKey<Long> AGENCY = AttributeKey.valueOf("lottery.agency");

    private AgencyAttributes() {
    }

    /** The bound agency, or {@code null}. */
    static Long agencyOf(Channel channel) {
        return channel.attr(AGENCY).get();
    }
}
