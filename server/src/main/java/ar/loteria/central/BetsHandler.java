package ar.loteria.central;

import ar.loteria.central.draw.Lottery;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WireBets;
import ar.loteria.logging.ActionLine;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Validates a batch whole and renders its CSV rows on the event loop, then hands it to the storage thread through
 * a {@link BatchQueue}; the answer (ACK or ERROR) is written when the store is done. A batch with one bad bet is
 * refused whole and nothing of it is stored.
 *
 * <p>{@code @Sharable}: stateless; one instance per server.
 */
@Sharable
final class BetsHandler extends SimpleChannelInboundHandler<BetBatch> {

    private static final Logger LOG = LoggerFactory.getLogger(BetsHandler.class);
    /**
     * Batches of one connection waiting for the storage thread at which the connection stops being read: the
     * agency's default window, so an agency that keeps to it is never paused (each pause and resume costs system
     * calls on the event loop; measured: 8 here cost 10 % of the standard bench).
     */
    static final int PAUSE_AT = 32;
    /** ... and the count below which it is read again. */
    static final int RESUME_BELOW = 16;

    private final BatchQueue queue;
    private final EventExecutor storage;
    private final Clock clock;

    /**
     * @param maxQueued batches waiting for the storage thread, over all connections, beyond which a connection that
     *                  sends one more is paused until its own batches are answered (see {@link BatchQueue})
     */
    BetsHandler(Lottery lottery, EventExecutor storage, Clock clock, int maxQueued) {
        this.queue = new BatchQueue(lottery, storage, maxQueued);
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BetBatch batch) {
        LocalDate today = LocalDate.now(clock);
        WireBets wire = batch.bets() instanceof WireBets decoded ? decoded : null;
        for (int i = 0; i < batch.bets().size(); i++) {
            // Decoded batches are checked on their bytes; building a Bet per bet would cost more than the check.
            String violation = wire != null ? BetRules.violation(wire, i, today)
                    : BetRules.violation(batch.bets().get(i), today);
            if (violation != null) {
                refuseInOrder(ctx.channel(), batch, "bet " + (batch.first() + i) + " - " + violation);
                return;
            }
        }
        Channel channel = ctx.channel();
        // Rendered here, on one of several event loops, so the single storage thread only writes bytes.
        CsvRows rows = CsvRows.render(batch.agency(), batch.bets());
        AtomicInteger pending = pendingOf(channel);
        pending.incrementAndGet();
        queue.add(channel, batch, rows, pending);
        // Back-pressure: a connection stops being read while it has many batches waiting for the storage thread, or
        // while the waiting batches of all connections are over their budget, so memory stays bounded however fast
        // and however many agencies send. Answers run on this same event loop, which reads again (BatchQueue); a
        // connection with nothing waiting has no answer to come, so the budget alone never pauses it.
        int waiting = pending.get();
        if (waiting >= PAUSE_AT || waiting > 0 && queue.overBudget()) {
            channel.config().setAutoRead(false);
        }
    }

    private static AtomicInteger pendingOf(Channel channel) {
        AtomicInteger pending = channel.attr(AgencyAttributes.PENDING_BATCHES).get();
        if (pending == null) {
            pending = new AtomicInteger();
            channel.attr(AgencyAttributes.PENDING_BATCHES).set(pending);
        }
        return pending;
    }

    /**
     * Refuses through the storage executor, so the refusal reaches the agency after the answers to the batches it
     * sent before this one, as the protocol promises.
     */
    private void refuseInOrder(Channel channel, BetBatch batch, String reason) {
        Runnable refuse = () -> {
            LOG.error("{}", ActionLine.fail("apuesta_recibida").with("cantidad", batch.bets().size())
                    .with("agency", batch.agency()).withError(reason));
            Replies.refuse(channel, ErrorCode.INVALID_BET, batch.first(), reason);
        };
        try {
            storage.execute(refuse);
        } catch (RejectedExecutionException e) {
            refuse.run();
        }
    }
}
