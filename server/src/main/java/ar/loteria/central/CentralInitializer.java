package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.draw.Lottery;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.MessageDecoder;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutor;

import java.time.Clock;

/**
 * The central's pipeline, which reads like the protocol: connection limit, (TLS), framing, message codec, agency
 * binding, the BET / FINISH / RESULTS handlers, and the exception handler last so it sees every failure.
 */
final class CentralInitializer extends ChannelInitializer<Channel> {

    private final ServerConfig config;
    private final Lottery lottery;
    private final EventExecutor storage;
    private final ChannelGroup channels;
    private final SslContext ssl;
    private final ConnectionLimitHandler connectionLimit;
    private final BetsHandler bets;
    private final FinishHandler finish;
    private final ResultsHandler results;

    /**
     * @param ssl TLS context, or {@code null} for plain TCP
     */
    CentralInitializer(ServerConfig config, Lottery lottery, EventExecutor storage, ChannelGroup channels,
                       SslContext ssl) {
        this(config, lottery, storage, channels, ssl, BatchQueue.defaultMaxQueued());
    }

    /** @param maxQueued budget of batches waiting for the storage thread, over all connections */
    CentralInitializer(ServerConfig config, Lottery lottery, EventExecutor storage, ChannelGroup channels,
                       SslContext ssl, int maxQueued) {
        this.config = config;
        this.lottery = lottery;
        this.storage = storage;
        this.channels = channels;
        this.ssl = ssl;
        this.connectionLimit = new ConnectionLimitHandler(config.maxConnections());
        this.bets = new BetsHandler(lottery, storage, Clock.systemDefaultZone(), maxQueued);
        this.finish = new FinishHandler(lottery, storage);
        this.results = new ResultsHandler(lottery, storage);
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        // Acknowledgements come from the storage thread one by one; flushing them together saves a write per batch.
        ch.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(64, true));
        ch.pipeline().addLast(HandlerNames.CONNECTION_LIMIT, connectionLimit);
        if (ssl != null) {
            ch.pipeline().addLast(HandlerNames.TLS, ssl.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast(HandlerNames.FRAME_DECODER, new DeadlineFrameDecoder(config.idleTimeout()))
                .addLast(HandlerNames.FRAME_ENCODER, FrameEncoder.INSTANCE)
                .addLast(HandlerNames.MESSAGE_DECODER, MessageDecoder.INSTANCE)
                .addLast(HandlerNames.AGENCY_BINDING,
                        new AgencyBindingHandler(lottery, storage, config.agencyTokens(), config.idleTimeout()))
                .addLast(HandlerNames.BETS, bets)
                .addLast(HandlerNames.FINISH, finish)
                .addLast(HandlerNames.RESULTS, results)
                .addLast(HandlerNames.EXCEPTION, ExceptionHandler.INSTANCE);
    }

    /** Connections open now. */
    int openConnections() {
        return connectionLimit.open();
    }
}
