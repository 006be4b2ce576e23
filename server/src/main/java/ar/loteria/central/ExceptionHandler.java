package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.UnknownMessageTypeException;
import ar.loteria.logging.ActionLine;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;

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

    private static final Logger LOG = LoggerFactory.getLogger(ExceptionHandler.class);

    private ExceptionHandler() {
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Long agency = AgencyAttributes.agencyOf(ctx.channel());
        if (cause instanceof IOException) {
            LOG.debug("{}", ActionLine.fail("conexion").with("agency", agency)
                    .with("remote", ctx.channel().remoteAddress()).withError(cause.getMessage()));
            ctx.close();
            return;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // A peer that does not speak TLS, or fails the handshake: no reply of ours could reach it.
            LOG.warn("{}", ActionLine.fail("tls").with("remote", ctx.channel().remoteAddress())
                    .withError(rootMessage(cause)));
            ctx.close();
            return;
        }
        ErrorCode code = codeFor(cause);
        if (code != null) {
            LOG.error("{}", ActionLine.fail("recibir_mensaje").with("agency", agency)
                    .with("remote", ctx.channel().remoteAddress()).with("code", code)
                    .withError(rootMessage(cause)));
            if (ctx.channel().isActive()) {
                // Read no more: the stream cannot be trusted after a bad frame.
                ctx.channel().config().setAutoRead(false);
                Replies.refuse(ctx.channel(), code, 0, rootMessage(cause));
            }
            return;
        }
        LOG.error("{}", ActionLine.fail("conexion").with("agency", agency)
                .with("remote", ctx.channel().remoteAddress()).withError(String.valueOf(cause)), cause);
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
