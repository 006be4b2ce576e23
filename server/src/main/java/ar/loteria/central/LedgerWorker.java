package ar.loteria.central;

import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * What the storage thread does with the queued messages: takes them in arrival order, stores consecutive batches
 * as one group with one {@link Ledger#store} call, handles every other message after the batches before it,
 * parks RESULTS until the draw and answers them when it happens, and hands each answer to the {@link ReplyRouter}.
 *
 * <p>The answers go out in rounds: at the end of a drain, or sooner once {@value #ROUND_REPLIES} of them wait (a
 * long drain does not hold back the agencies answered early in it). The log lines of a round are held and written
 * together just before its answers are sent, so each line is out before the reply it announces, with one write
 * for the round instead of one per line.
 *
 * <p>Storage thread only: one instance per {@link StorageDispatcher}, holding no locks.
 */
final class LedgerWorker {

    /** Answers waiting at which a round ends before its drain does: a full group's acknowledgements. */
    static final int ROUND_REPLIES = StorageDispatcher.MAX_GROUP;

    private final Ledger ledger;
    private final ReplyRouter replies;
    private final StatusRecorder status;
    private final List<StorageWork.Bets> group = new ArrayList<>(StorageDispatcher.MAX_GROUP);
    private final ParkedResults parked = new ParkedResults();
    private boolean drawAnswered;
    private final Map<Long, List<Winners>> winnersParts = new HashMap<>();

    LedgerWorker(Ledger ledger, ReplyRouter replies, StatusRecorder status) {
        this.ledger = ledger;
        this.replies = replies;
        this.status = status;
    }

    /** Handles everything in {@code queue}, in order, until it is empty, and sends the answers. */
    void handleAll(Queue<StorageWork> queue) {
        CentralLog.holdLines();
        try {
            for (StorageWork work; (work = queue.poll()) != null; ) {
                if (work instanceof StorageWork.Bets bets) {
                    group.add(bets);
                    if (group.size() == StorageDispatcher.MAX_GROUP) {
                        storeGroup();
                    }
                } else {
                    // Batches queued before this message are stored before it is handled: arrival order.
                    storeGroup();
                    handle(work);
                }
                if (replies.pending() >= ROUND_REPLIES) {
                    answer();
                    CentralLog.holdLines();
                }
            }
            storeGroup();
            answer();
        } finally {
            CentralLog.releaseLines();
        }
    }

    /** Ends a round: its lines are written, then its answers sent, so every line precedes the reply it announces. */
    private void answer() {
        CentralLog.releaseLines();
        replies.send();
    }

    private void storeGroup() {
        if (group.isEmpty()) {
            return;
        }
        List<Batch> batches = new ArrayList<>(group.size());
        for (StorageWork.Bets bets : group) {
            batches.add(bets.batch());
        }
        List<Outcome> outcomes;
        try {
            outcomes = ledger.store(batches);
        } catch (RuntimeException e) {
            // Not expected (store failures come back as outcomes), but every batch still gets its answer.
            CentralLog.storageFailed(String.valueOf(e), e);
            for (Batch batch : batches) {
                CentralLog.batchRefused(batch.count(), batch.agency(), String.valueOf(e));
            }
            outcomes = Collections.nCopies(batches.size(),
                    Outcome.refused(ErrorCode.STORAGE_FAILURE, "the batch could not be stored"));
        }
        for (int i = 0; i < group.size(); i++) {
            Batch batch = group.get(i).batch();
            Outcome outcome = outcomes.get(i);
            if (outcome.acknowledged()) {
                if (outcome.kind() == Outcome.Kind.DONE) {
                    status.stored(batch.agency());
                }
                replies.add(Reply.toBatch(group.get(i).from(), new BatchAck(batch.first(), batch.count()),
                        false));
            } else {
                status.refused(outcome.code());
                replies.add(Reply.toBatch(group.get(i).from(), new ErrorReply(outcome.code(), batch.first(),
                        outcome.reason()), outcome.code().closesConnection()));
            }
        }
        group.clear();
    }

    private void handle(StorageWork work) {
        try {
            if (work instanceof StorageWork.Hello hello) {
                status.connected(hello.agency());
                replies.add(Reply.to(hello.from(), new Welcome(hello.agency(), ledger.stored(hello.agency()))));
            } else if (work instanceof StorageWork.Finish finish) {
                Outcome outcome = ledger.finish(finish.agency(), finish.total());
                status.changed(finish.agency());
                replies.add(Reply.to(finish.from(), outcome.acknowledged()
                        ? new FinishAck(finish.agency(), finish.total())
                        : new ErrorReply(outcome.code(), 0, outcome.reason())));
            } else if (work instanceof StorageWork.Results results) {
                answerResults(results);
            } else if (work instanceof StorageWork.Refusal refusal) {
                replies.add(Reply.error(refusal.from(), refusal.error(), refusal.closes()));
            } else if (work instanceof StorageWork.Tick) {
                ledger.timePassed();
            } else if (work instanceof StorageWork.Closed closed) {
                parked.forget(closed.connection());
                status.disconnected(closed.agency());
            }
        } catch (RuntimeException e) {
            failed(work, e);
        }
        if (work instanceof StorageWork.Finish || work instanceof StorageWork.DrawLearned
                || work instanceof StorageWork.Tick) {
            try {
                answerParkedIfDrawn();
            } catch (RuntimeException e) {
                CentralLog.storageFailed(String.valueOf(e), e);
            }
        }
    }

    /** The ledger failed in an unexpected way: the message is answered with STORAGE_FAILURE, and the reason logged. */
    private void failed(StorageWork work, RuntimeException e) {
        CentralLog.storageFailed(String.valueOf(e), e);
        if (work.from() != null) {
            // A HELLO left without its WELCOME would leave the agency waiting: close, so that it connects again.
            replies.add(Reply.error(work.from(), new ErrorReply(ErrorCode.STORAGE_FAILURE, 0,
                    "the store could not answer: " + e.getMessage()), work instanceof StorageWork.Hello));
        }
    }

    private void answerResults(StorageWork.Results results) {
        if (ledger.drawn()) {
            replies.add(Reply.to(results.from(), winnersParts(results.agency())));
        } else {
            parked.park(results.from(), results.agency());
            // Handled, not answered: the connection's later messages need not wait for the draw.
            replies.add(Reply.handled(results.from()));
        }
    }

    private void answerParkedIfDrawn() {
        if (drawAnswered || !ledger.drawn()) {
            return;
        }
        drawAnswered = true;
        parked.answerAll((connection, agency, times) ->
                replies.add(Reply.parkedAnswer(connection, winnersParts(agency), times)));
    }

    /**
     * An agency's winners as WINNERS parts, split once per agency: after the draw they never change, and a peer
     * asking thousands of times must cost the storage thread a lookup each, not a split.
     */
    private List<Winners> winnersParts(long agency) {
        return winnersParts.computeIfAbsent(agency, a -> Winners.partsOf(ledger.winnersOf(a)));
    }

    /** Publishes a new status from the ledger's view. */
    void publishStatus() {
        status.publish(ledger, parked.count());
    }

    /** Whether the draw is known and the RESULTS parked until it answered. */
    boolean drawAnswered() {
        return drawAnswered;
    }

    /** RESULTS requests waiting for the draw now. */
    int parkedCount() {
        return parked.count();
    }
}
