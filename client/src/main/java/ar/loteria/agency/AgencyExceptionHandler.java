package ar.loteria.agency;

import ar.loteria.logging.ActionLine;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Last handler of the agency's pipeline, where every exception ends up. Bytes from the central that do not decode
 * are a protocol error that ends the run; an I/O error only loses the connection, and the agency reconnects;
 * anything else is a bug, logged, and ends the run.
 *
 * <p>{@code @Sharable}: one instance serves every connection of a run; it only completes the run's outcome,
 * which is thread-safe. Event loop only.
 */
@Sharable
final class AgencyExceptionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyExceptionHandler.class);

    private final AgencyRun run;

    AgencyExceptionHandler(AgencyRun run) {
        this.run = run;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException) {
            LOG.error("{}", ActionLine.fail("protocol").with("error", cause.getMessage()));
            run.end(Outcome.failure(ExitStatus.REFUSED));
        } else if (cause instanceof IOException) {
            LOG.debug("connection to {} lost: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.error("{}", ActionLine.fail("agency").with("client_id", run.config().agencyId())
                    .with("server", ctx.channel().remoteAddress()).with("error", cause.toString()));
            LOG.debug("unexpected exception", cause);
            run.end(Outcome.failure(ExitStatus.REFUSED));
        }
        ctx.close();
    }
}
