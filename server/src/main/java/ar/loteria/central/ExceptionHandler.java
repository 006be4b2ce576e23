package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.UnknownMessageTypeException;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;

import java.io.IOException;
import javax.net.ssl.SSLException;

/**
 * The last handler: decides what every exception means. A protocol error (a frame that cannot be decoded) gets an
 * ERROR reply and the connection closes once it is flushed; an I/O error from the peer closes quietly; a failed TLS
 * handshake is logged and closes; anything else is logged with the agency and address, then closes.
 *
 * <p>{@code @Sharable}: stateless.
 */
@Sharable
final class ExceptionHandler extends ChannelInboundHandlerAdapter {

    static final ExceptionHandler INSTANCE = new ExceptionHandler();

    private ExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        AgencyConnection connection = AgencyConnection.of(ctx.channel());
        Long agency = connection.agency();
        if (cause instanceof IOException) {
            CentralLog.connectionLost(agency, ctx.channel().remoteAddress(), cause.getMessage());
            ctx.close();
            return;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // A peer that does not speak TLS, or fails the handshake: no reply of ours could reach it.
            CentralLog.tlsRefused(ctx.channel().remoteAddress(), rootMessage(cause));
            ctx.close();
            return;
        }
        ErrorCode code = codeFor(cause);
        if (code != null) {
            CentralLog.undecodable(agency, ctx.channel().remoteAddress(), code, rootMessage(cause));
            if (ctx.channel().isActive() && !connection.refused()) {
                // The stream cannot be trusted after a bad frame: nothing more is read; the answers to the frames
                // before it still go out, then the ERROR, then the connection closes.
                connection.refuse(code, 0, rootMessage(cause));
            }
            return;
        }
        CentralLog.connectionFailed(agency, ctx.channel().remoteAddress(), cause);
        ctx.close();
    }

    private static ErrorCode codeFor(Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            return ErrorCode.FRAME_TOO_LONG;
        }
        if (cause instanceof UnknownMessageTypeException
                || cause.getCause() instanceof UnknownMessageTypeException) {
            return ErrorCode.UNKNOWN_TYPE;
        }
        if (cause instanceof DecoderException) {
            return ErrorCode.MALFORMED_FRAME;
        }
        return null;
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
