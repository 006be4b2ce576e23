package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.MessageDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;

import java.time.Clock;

/**
 * The central's pipeline, which reads like the protocol: connection limit, (TLS), framing, message codec, agency
 * binding, the BET / FINISH / RESULTS handlers, and the exception handler last so it sees every failure. The
 * handlers only decode, validate and hand each message to the {@link StorageDispatcher}, which answers.
 */
final class CentralInitializer extends ChannelInitializer<Channel> {

    private final ServerConfig config;
    private final StorageDispatcher storage;
    private final ChannelGroup channels;
    private final SslContext ssl;
    private final ConnectionLimitHandler connectionLimit;
    private final BetsHandler bets;
    private final FinishHandler finish;
    private final ResultsHandler results;

    /**
     * @param channels every open connection, so that the server can tell them it stops
     * @param ssl      TLS context, or {@code null} for plain TCP
     */
    CentralInitializer(ServerConfig config, StorageDispatcher storage, ChannelGroup channels, SslContext ssl) {
        this.config = config;
        this.storage = storage;
        this.channels = channels;
        this.ssl = ssl;
        this.connectionLimit = new ConnectionLimitHandler(config.maxConnections());
        this.bets = new BetsHandler(storage, Clock.systemDefaultZone());
        this.finish = new FinishHandler(storage);
        this.results = new ResultsHandler(storage);
    }

    @Override
    protected void initChannel(Channel ch) {
        channels.add(ch);
        AgencyConnection connection = AgencyConnection.attach(ch, storage);
        // Answers come from the storage thread in groups; flushing them together saves a write per batch.
        ch.pipeline().addLast(HandlerNames.FLUSH_CONSOLIDATION, new FlushConsolidationHandler(64, true));
        ch.pipeline().addLast(HandlerNames.CONNECTION_LIMIT, connectionLimit);
        if (ssl != null) {
            ch.pipeline().addLast(HandlerNames.TLS, ssl.newHandler(ch.alloc()));
        }
        ch.pipeline()
                .addLast(HandlerNames.FRAME_DECODER, new DeadlineFrameDecoder(connection, config.idleTimeout()))
                .addLast(HandlerNames.FRAME_ENCODER, FrameEncoder.INSTANCE)
                .addLast(HandlerNames.MESSAGE_DECODER, MessageDecoder.INSTANCE)
                .addLast(HandlerNames.AGENCY_BINDING,
                        new AgencyBindingHandler(connection, storage, config.agencyTokens(), config.idleTimeout()))
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
