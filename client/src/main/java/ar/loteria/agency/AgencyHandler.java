package ar.loteria.agency;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The agency's side of one connection: HELLO, then on WELCOME a {@link BatchSender} streams the bets from where
 * the central's store ends; once every batch is acknowledged, FINISH, then RESULTS, and the WINNERS parts until
 * the last. An ERROR reply or a protocol breach ends the run; a transient refusal (the central shutting down,
 * busy, or timing out, or its store failing) only closes the connection, and the agency reconnects. A batch
 * refused with DRAW_CLOSED closes the betting: the agency finishes with the bets the central holds and asks for
 * its winners as after any draw.
 *
 * <p>While the central holds RESULTS parked until the draw, the handler sends FINISH again, with the same total,
 * every answer timeout: the central answers it at once with FINISH_ACK (counting it once), so
 * {@link AnswerDeadlineHandler} tells a long wait for the draw from a central that stopped answering.
 *
 * <p>Per channel (it holds the conversation's state). Event loop only: the sender reports back through
 * {@link SenderEvent}s, which Netty delivers on the event loop.
 */
final class AgencyHandler extends SimpleChannelInboundHandler<Message> {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyHandler.class);

    /**
     * Refusals that say "not now" rather than "no": the agency tries again on a new connection, which resumes from
     * WELCOME. STORAGE_FAILURE is one: nothing of the refused batch was kept, and a store that could not write (a
     * full disk, a database restarting) takes bets again once it can.
     */
    static final Set<ErrorCode> TRANSIENT = Set.of(ErrorCode.SHUTTING_DOWN, ErrorCode.SERVER_BUSY,
            ErrorCode.IDLE_TIMEOUT, ErrorCode.STORAGE_FAILURE);

    /** Where the conversation stands; each names the action its log lines report. */
    private enum Phase {
        GREETING(AgencyLog.HELLO), SENDING(AgencyLog.SENDING), FINISHING(AgencyLog.FINISH),
        RESULTS(AgencyLog.RESULTS), DONE(AgencyLog.AGENCY);

        private final String action;

        Phase(String action) {
            this.action = action;
        }
    }

    private final AgencyRun run;
    private final long agency;
    private final List<String> winners = new ArrayList<>();
    private Phase phase = Phase.GREETING;
    private BatchSender sender;
    private Semaphore window;
    /** Permits the window started without (a first window of one after the store refused); given at the first ack. */
    private int windowShortBy;
    /** Bets of the agency the central holds: WELCOME's count plus every acknowledged batch. */
    private long acknowledged;
    /** Bets in the agency's input, once the sender has counted them; -1 until then. */
    private long inputTotal = -1;
    /**
     * The total the FINISH carries: all bets of the agency, known once the sender has read its whole input, or those
     * the central holds once it closed the betting; -1 until then.
     */
    private long total = -1;
    /** Whether the central refused a batch with DRAW_CLOSED on this connection. */
    private boolean bettingClosed;
    /** The FINISH probe while RESULTS is parked; null when not probing. */
    private ScheduledFuture<?> probe;

    AgencyHandler(AgencyRun run) {
        this.run = run;
        this.agency = run.config().agencyId();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(new Hello(agency, run.config().token())).addListener(BatchSender.CLOSE_ON_WRITE_FAILURE);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (sender != null) {
            sender.stop();
        }
        stopProbes();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopProbes();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
        if (phase == Phase.DONE) {
            return;
        }
        if (msg instanceof ErrorReply error) {
            refused(ctx, error);
        } else if (msg instanceof Welcome welcome && phase == Phase.GREETING) {
            welcomed(ctx, welcome);
        } else if (msg instanceof BatchAck ack && phase == Phase.SENDING) {
            acknowledged(ctx, ack);
        } else if (msg instanceof FinishAck ack && phase == Phase.FINISHING) {
            finished(ctx, ack);
        } else if (msg instanceof FinishAck ack && phase == Phase.RESULTS && ack.stored() == total) {
            LOG.debug("the central answered the probe: {} bets of agency {}, still waiting for the draw", ack.stored(),
                    agency);
        } else if (msg instanceof Winners part && phase == Phase.RESULTS) {
            winners(ctx, part);
        } else {
            protocolError(ctx, "unexpected " + msg.type() + " in phase " + phase.action);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (!(event instanceof SenderEvent)) {
            super.userEventTriggered(ctx, event);
        } else if (phase != Phase.SENDING || !ctx.channel().isActive()) {
            LOG.debug("sender event {} ignored in phase {}", event, phase);
        } else if (event instanceof SenderEvent.Counted counted) {
            inputTotal = counted.total();
        } else if (event instanceof SenderEvent.AllSent done) {
            total = done.total();
            finishIfAllAcknowledged(ctx);
        } else if (event instanceof SenderEvent.Failed failed) {
            LOG.error("{}", AgencyLog.betsFileFailed(failed.error()));
            end(ctx, ExitStatus.BETS_FILE_ERROR);
        }
    }

    private void welcomed(ChannelHandlerContext ctx, Welcome welcome) {
        if (welcome.agency() != agency) {
            protocolError(ctx, "WELCOME for agency " + welcome.agency() + ", expected " + agency);
            return;
        }
        LOG.info("{}", AgencyLog.welcomed(agency, welcome.stored()));
        phase = Phase.SENDING;
        acknowledged = welcome.stored();
        // After a refusal of the store, one batch tries it; the rest of the window opens once that one is taken.
        int firstWindow = run.pacing().firstWindow();
        windowShortBy = run.tuning().window() - firstWindow;
        window = new Semaphore(firstWindow);
        sender = new BatchSender(ctx.channel(), run.bets(), agency, run.config().batchMaxAmount(),
                welcome.stored(), window, run.tuning().progressEvery());
        run.launcher().launch(sender);
    }

    private void acknowledged(ChannelHandlerContext ctx, BatchAck ack) {
        if (ack.first() != acknowledged || ack.count() < 1 || (total >= 0 && ack.first() + ack.count() > total)) {
            protocolError(ctx, "BATCH_ACK for " + ack.count() + " bets from " + ack.first() + ", expected bets from "
                    + acknowledged);
            return;
        }
        acknowledged += ack.count();
        run.pacing().accepted();
        window.release(1 + windowShortBy);
        windowShortBy = 0;
        LOG.debug("{}", AgencyLog.batchAcknowledged(ack.first(), ack.count()));
        run.config().singleBet().ifPresent(bet -> LOG.info("{}", AgencyLog.betSent(bet.document(), bet.number())));
        finishIfAllAcknowledged(ctx);
    }

    private void finishIfAllAcknowledged(ChannelHandlerContext ctx) {
        if (total >= 0 && acknowledged == total) {
            LOG.info("{}", AgencyLog.allSent(total));
            phase = Phase.FINISHING;
            ctx.writeAndFlush(new Finish(agency, total)).addListener(BatchSender.CLOSE_ON_WRITE_FAILURE);
        }
    }

    private void finished(ChannelHandlerContext ctx, FinishAck ack) {
        LOG.info("{}", AgencyLog.finished(agency, ack.stored()));
        run.pacing().accepted();
        phase = Phase.RESULTS;
        ctx.writeAndFlush(new ResultsRequest(agency)).addListener(BatchSender.CLOSE_ON_WRITE_FAILURE);
        // The central answers after the draw, however long that takes: waiting is not a failure.
        LOG.info("{}", AgencyLog.waitingForWinners(agency));
        startProbes(ctx);
    }

    /**
     * While RESULTS waits for the draw, FINISH again every answer timeout: a central that answers it is alive, one
     * that does not is dropped by {@link AnswerDeadlineHandler}. One scheduled task per connection.
     */
    private void startProbes(ChannelHandlerContext ctx) {
        long every = run.config().answerTimeout().toNanos();
        if (every > 0 && probe == null) {
            probe = ctx.executor().scheduleAtFixedRate(() -> probe(ctx), every, every, TimeUnit.NANOSECONDS);
        }
    }

    private void probe(ChannelHandlerContext ctx) {
        if (phase == Phase.RESULTS && ctx.channel().isActive()) {
            ctx.writeAndFlush(new Finish(agency, total)).addListener(BatchSender.CLOSE_ON_WRITE_FAILURE);
        }
    }

    private void stopProbes() {
        if (probe != null) {
            probe.cancel(false);
            probe = null;
        }
    }

    /**
     * The central refused a batch with DRAW_CLOSED: the betting is closed. Replies come in order, so every batch
     * before the refused one has been answered, and the central holds exactly the bets acknowledged: the agency
     * stops sending and finishes with those. The batches still in flight get DRAW_CLOSED too, and are let be.
     */
    private void closeBetting(ChannelHandlerContext ctx, ErrorReply error) {
        bettingClosed = true;
        sender.stop();
        LOG.debug("betting closed at batch {}: {}", error.ref(), error.reason());
        LOG.info("{}", AgencyLog.bettingClosed(acknowledged, Math.max(0, inputTotal - acknowledged)));
        total = acknowledged;
        phase = Phase.FINISHING;
        ctx.writeAndFlush(new Finish(agency, total)).addListener(BatchSender.CLOSE_ON_WRITE_FAILURE);
    }

    private void winners(ChannelHandlerContext ctx, Winners part) {
        winners.addAll(part.documents());
        if (!part.last()) {
            return;
        }
        for (String document : winners) {
            LOG.debug("{}", AgencyLog.winner(document));
        }
        LOG.info("{}", AgencyLog.winnersReceived(winners.size()));
        phase = Phase.DONE;
        stopProbes();
        run.end(AgencyOutcome.winners(winners));
        ctx.close();
    }

    private void refused(ChannelHandlerContext ctx, ErrorReply error) {
        if (error.code() == ErrorCode.DRAW_CLOSED && bettingClosed) {
            LOG.debug("batch {} refused too: {}", error.ref(), error.reason());
            return;
        }
        if (error.code() == ErrorCode.DRAW_CLOSED && phase == Phase.SENDING) {
            closeBetting(ctx, error);
            return;
        }
        if (error.code() == ErrorCode.STORAGE_FAILURE && phase == Phase.RESULTS) {
            // Only a probe's FINISH is answered while RESULTS waits: the central is alive, its store is not (yet).
            // The draw, once the central learns of it, still answers the parked RESULTS on this connection.
            LOG.debug("the central answered the probe, its store failing: {}", error.reason());
            return;
        }
        if (TRANSIENT.contains(error.code())) {
            LOG.warn("{}", AgencyLog.refusedForNow(phase.action, error));
            if (error.code() == ErrorCode.STORAGE_FAILURE) {
                run.pacing().refused();
            }
            phase = Phase.DONE;
            stopProbes();
            ctx.close();
            return;
        }
        LOG.error("{}", AgencyLog.refused(phase.action, error));
        end(ctx, ExitStatus.REFUSED);
    }

    private void protocolError(ChannelHandlerContext ctx, String problem) {
        LOG.error("{}", AgencyLog.protocolError(problem));
        end(ctx, ExitStatus.REFUSED);
    }

    /** Ends the run, then closes: the outcome is set first, so the close starts no reconnect. */
    private void end(ChannelHandlerContext ctx, ExitStatus status) {
        phase = Phase.DONE;
        stopProbes();
        run.end(AgencyOutcome.failure(status));
        ctx.close();
    }
}
