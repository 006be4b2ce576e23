package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.Finish;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Binds a connection to one agency, for as long as it is open. The first message must be HELLO (with the agency's
 * token, when it has one), and must come within the idle timeout; every later message must name the same agency.
 * Passes on only messages an agency may send, from a bound connection. Also relays the connection's life to the
 * storage side: its writability (replies draining) and its end (parked RESULTS forgotten).
 *
 * <p>Per channel (holds the HELLO deadline). Event loop only.
 */
final class AgencyBindingHandler extends SimpleChannelInboundHandler<Message> {

    private final AgencyConnection connection;
    private final StorageDispatcher storage;
    private final Map<Long, String> tokens;
    private final Duration helloTimeout;
    private ScheduledFuture<?> helloDeadline;

    AgencyBindingHandler(AgencyConnection connection, StorageDispatcher storage, Map<Long, String> tokens,
                         Duration helloTimeout) {
        super(Message.class, false);
        this.connection = connection;
        this.storage = storage;
        this.tokens = tokens;
        this.helloTimeout = helloTimeout;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        helloDeadline = ctx.executor().schedule(() -> {
            CentralLog.identificationRefused(null, ctx.channel().remoteAddress(),
                    "no HELLO within " + helloTimeout.toSeconds() + " s");
            connection.refuse(ErrorCode.IDLE_TIMEOUT, 0, "no HELLO in time");
        }, helloTimeout.toNanos(), TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHelloDeadline();
        Long agency = connection.agency();
        if (agency != null) {
            storage.closed(connection, agency);
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        connection.writabilityChanged();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
        if (connection.refused()) {
            return;
        }
        Long bound = connection.agency();
        if (msg instanceof Hello hello) {
            bind(ctx, bound, hello);
            return;
        }
        if (bound == null) {
            refuse(ctx, ErrorCode.NOT_IDENTIFIED, "say HELLO before " + msg.type());
            return;
        }
        long named;
        if (msg instanceof BetBatch batch) {
            named = batch.agency();
        } else if (msg instanceof Finish finish) {
            named = finish.agency();
        } else if (msg instanceof ResultsRequest request) {
            named = request.agency();
        } else {
            refuse(ctx, ErrorCode.UNKNOWN_TYPE, msg.type() + " is sent by the central, not to it");
            return;
        }
        if (named != bound) {
            String reason = "connection speaks for agency " + bound + ", not " + named;
            if (msg instanceof BetBatch batch) {
                CentralLog.batchRefused(batch.bets().size(), bound, reason);
                storage.countRefused(ErrorCode.WRONG_AGENCY);
                connection.refuse(ErrorCode.WRONG_AGENCY, batch.first(), reason);
            } else {
                refuse(ctx, ErrorCode.WRONG_AGENCY, reason);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void bind(ChannelHandlerContext ctx, Long bound, Hello hello) {
        if (bound != null) {
            refuse(ctx, ErrorCode.BAD_HELLO, "connection already speaks for agency " + bound);
            return;
        }
        if (hello.version() != Hello.VERSION) {
            refuse(ctx, ErrorCode.BAD_HELLO, "protocol version " + hello.version() + " unknown, the central speaks "
                    + Hello.VERSION);
            return;
        }
        long agency = hello.agency();
        if (agency < 1) {
            refuse(ctx, ErrorCode.BAD_HELLO, "agency ids start at 1");
            return;
        }
        String expected = tokens.get(agency);
        if (expected != null && !sameToken(expected, hello.token())) {
            refuse(ctx, ErrorCode.AUTH_FAILED, "wrong token for agency " + agency);
            return;
        }
        cancelHelloDeadline();
        connection.bind(agency);
        CentralLog.identified(agency, ctx.channel().remoteAddress());
        storage.hello(connection, agency);
    }

    private void refuse(ChannelHandlerContext ctx, ErrorCode code, String reason) {
        CentralLog.identificationRefused(connection.agency(), ctx.channel().remoteAddress(), reason);
        connection.refuse(code, 0, reason);
    }

    private void cancelHelloDeadline() {
        if (helloDeadline != null) {
            helloDeadline.cancel(false);
            helloDeadline = null;
        }
    }

    /** Constant-time comparison, so the time taken does not tell how much of a guess was right. */
    private static boolean sameToken(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
