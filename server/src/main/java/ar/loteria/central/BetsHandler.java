package ar.loteria.central;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WireBets;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

import java.time.Clock;
import java.time.LocalDate;

/**
 * Validates a batch whole on the event loop, then hands it to the storage side (which prepares it for the ledger's
 * store there, on this event loop) and answers BATCH_ACK once it is stored. A batch with one bad bet is refused whole (INVALID_BET, after the answers to
 * the connection's earlier messages) and nothing of it is stored.
 *
 * <p>{@code @Sharable}: stateless; one instance per server. Event loop.
 */
@Sharable
final class BetsHandler extends SimpleChannelInboundHandler<BetBatch> {

    private final StorageDispatcher storage;
    private final Clock clock;

    BetsHandler(StorageDispatcher storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BetBatch batch) {
        AgencyConnection connection = AgencyConnection.of(ctx.channel());
        String violation = violation(batch, LocalDate.now(clock));
        if (violation != null) {
            CentralLog.batchRefused(batch.bets().size(), batch.agency(), violation);
            storage.countRefused(ErrorCode.INVALID_BET);
            connection.refuse(ErrorCode.INVALID_BET, batch.first(), violation);
            return;
        }
        storage.store(connection, batch);
    }

    /** The first broken rule of the batch, as {@code bet N - rule}, or {@code null} when every bet is valid. */
    private static String violation(BetBatch batch, LocalDate today) {
        WireBets wire = batch.bets() instanceof WireBets decoded ? decoded : null;
        for (int i = 0; i < batch.bets().size(); i++) {
            // Decoded batches are checked on their bytes; building a Bet per bet would cost more than the check.
            String violation = wire != null ? BetRules.violation(wire, i, today)
                    : BetRules.violation(batch.bets().get(i), today);
            if (violation != null) {
                return "bet " + (batch.first() + i) + " - " + violation;
            }
        }
        return null;
    }
}
