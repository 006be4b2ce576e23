package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Sends an error reply, and closes the connection after it when its code says so. Any thread. */
final class Replies {

    private Replies() {
    }

    static void refuse(Channel channel, ErrorCode code, long ref, String reason) {
        if (code.closesConnection()) {
            // Before the write: frames already received behind the refused one must not be acted on.
            channel.attr(AgencyAttributes.REFUSED).set(Boolean.TRUE);
        }
        var written = channel.writeAndFlush(new ErrorReply(code, ref, reason));
        if (code.closesConnection()) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
