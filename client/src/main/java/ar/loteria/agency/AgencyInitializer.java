package ar.loteria.agency;

import ar.loteria.agency.config.AgencyTlsSettings;
import ar.loteria.agency.config.CentralAddress;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.MessageDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/**
 * Builds the agency's pipeline for connections to one central: TLS when configured, framing, message codec, the
 * answer deadline (unless turned off), the conversation, and the exception handler last. One per central of the
 * run's list; runs on the event loop.
 */
final class AgencyInitializer extends ChannelInitializer<Channel> {

    static final String TLS = "tls";
    static final String FRAME_DECODER = "frameDecoder";
    static final String FRAME_ENCODER = "frameEncoder";
    static final String MESSAGE_DECODER = "messageDecoder";
    static final String ANSWER_DEADLINE = "answerDeadline";
    static final String AGENCY_HANDLER = "agencyHandler";
    static final String EXCEPTION_HANDLER = "exceptionHandler";

    private final AgencyRun run;
    private final CentralAddress central;
    private final AgencyExceptionHandler exceptionHandler;

    AgencyInitializer(AgencyRun run, CentralAddress central) {
        this.run = run;
        this.central = central;
        this.exceptionHandler = new AgencyExceptionHandler(run, central);
    }

    @Override
    protected void initChannel(Channel ch) {
        AgencyTlsSettings tls = run.config().tls();
        if (tls.enabled()) {
            // First, so that every frame travels inside TLS; host and port give SNI and the certificate's name check.
            ch.pipeline().addLast(TLS, tls.context().newHandler(ch.alloc(), central.host(), central.port()));
        }
        ch.pipeline()
                .addLast(FRAME_DECODER, Frames.newDecoder())
                .addLast(FRAME_ENCODER, FrameEncoder.INSTANCE)
                .addLast(MESSAGE_DECODER, MessageDecoder.INSTANCE);
        if (!run.config().answerTimeout().isZero()) {
            // Between the codec and the conversation: it sees every message the agency writes and every reply.
            ch.pipeline().addLast(ANSWER_DEADLINE, new AnswerDeadlineHandler(central, run.config().answerTimeout()));
        }
        ch.pipeline()
                .addLast(AGENCY_HANDLER, new AgencyHandler(run))
                // Last, so that it sees exceptions from every handler above, decoding errors included.
                .addLast(EXCEPTION_HANDLER, exceptionHandler);
    }
}
