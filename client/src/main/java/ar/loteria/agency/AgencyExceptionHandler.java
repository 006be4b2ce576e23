package ar.loteria.agency;

import ar.loteria.agency.config.CentralAddress;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;

/**
 * Last handler of the agency's pipeline, where every exception ends up. Bytes from the central that do not decode
 * are a protocol error that ends the run, and so is a TLS handshake the central fails (an untrusted or misnamed
 * certificate, or a central without TLS); an I/O error only loses the connection, and the agency reconnects;
 * anything else is a bug, logged, and ends the run.
 *
 * <p>{@code @Sharable}: one instance serves every connection of a run to one central; it only completes the run's
 * outcome, which is thread-safe. Event loop only.
 */
@Sharable
final class AgencyExceptionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyExceptionHandler.class);

    private final AgencyRun run;
    private final CentralAddress central;

    AgencyExceptionHandler(AgencyRun run, CentralAddress central) {
        this.run = run;
        this.central = central;
    }

    /**
     * A failed handshake ends the run here rather than in {@link #exceptionCaught}: Netty reports it before it
     * closes the channel, so the agency does not start a reconnect it would then abandon. A connection lost or
     * slow during the handshake is left to the reconnects.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.cause() instanceof SSLException
                && !(handshake.cause() instanceof SslHandshakeTimeoutException)) {
            tlsFailed(handshake.cause());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            tlsFailed(cause.getCause());
        } else if (cause instanceof DecoderException) {
            LOG.error("{}", AgencyLog.protocolError(cause.getMessage()));
            run.end(AgencyOutcome.failure(ExitStatus.REFUSED));
        } else if (cause instanceof IOException) {
            LOG.debug("connection to {} lost: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.error("{}", AgencyLog.unexpectedFailure(run.config().agencyId(), ctx.channel().remoteAddress(), cause));
            LOG.debug("unexpected exception", cause);
            run.end(AgencyOutcome.failure(ExitStatus.REFUSED));
        }
        ctx.close();
    }

    /** Reported once per run: the handshake event and the exception behind it both arrive here. */
    private void tlsFailed(Throwable cause) {
        if (!run.ended()) {
            LOG.error("{}", AgencyLog.tlsFailed(central.text(), cause));
            run.end(AgencyOutcome.failure(ExitStatus.REFUSED));
        }
    }
}
