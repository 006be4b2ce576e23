package ar.loteria.central;

import ar.loteria.central.draw.Lottery;
import ar.loteria.central.draw.Outcome;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.logging.ActionLine;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries validated batches from the event loops to the storage thread in groups. Event loops add batches to a
 * queue; one storage task at a time drains it, storing each group of batches with one append (one system call) and
 * sending each event loop one task with the answers for its connections, instead of a task and a wake-up per batch
 * each way.
 *
 * <p>It also keeps the count of batches added and not yet answered over all connections, against a budget: a
 * connection that sends while the count is over it is paused (see {@link BetsHandler}) and read again when its
 * own batches have been answered, so the heap held by waiting batches stays bounded whatever the number of agencies.
 *
 * <p>Order is kept: a batch added before a task is submitted to the storage executor (a FINISH, a refusal) is
 * stored and answered before that task runs, because adding either finds a drain already queued ahead of that
 * task, or queues one. Thread-safe; one instance per server.
 */
final class BatchQueue {

    private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);

    /** Batches per append: bounds the bytes one gathering write carries (at most 64 frames of 8 kB). */
    static final int MAX_GROUP = 64;

    /** A batch waiting for the storage thread, with the connection its answer goes to. */
    private record Waiting(Channel channel, BetBatch batch, CsvRows rows, AtomicInteger pending) {
    }

    /** Heap a waiting batch may take at most: its 8 kB frame as bytes, their layout and their CSV rows. */
    static final int BATCH_MEMORY_BYTES = 32 * 1024;

    private final Lottery lottery;
    private final EventExecutor storage;
    private final Queue<Waiting> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** Batches added and not yet answered, over all connections; and the budget for them. */
    private final AtomicInteger unanswered = new AtomicInteger();
    private final int maxQueued;

    /** @param maxQueued the budget of unanswered batches over all connections ({@link #overBudget}) */
    BatchQueue(Lottery lottery, EventExecutor storage, int maxQueued) {
        this.lottery = lottery;
        this.storage = storage;
        this.maxQueued = maxQueued;
    }

    /** A budget of waiting batches that keeps them within a quarter of the heap (at least 64). */
    static int defaultMaxQueued() {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(64, Runtime.getRuntime().maxMemory() / 4 / BATCH_MEMORY_BYTES));
    }

    /** Whether the unanswered batches of all connections are at or over the budget. Any thread. */
    boolean overBudget() {
        return unanswered.get() >= maxQueued;
    }

    /**
     * Queues a batch for storing; its answer (ACK or ERROR) is written on the channel's event loop once stored.
     *
     * @param pending the connection's count of unanswered batches, decremented with the answer
     */
    void add(Channel channel, BetBatch batch, CsvRows rows, AtomicInteger pending) {
        unanswered.incrementAndGet();
        queue.add(new Waiting(channel, batch, rows, pending));
        if (drainQueued.compareAndSet(false, true)) {
            try {
                storage.execute(drain);
            } catch (RejectedExecutionException e) {
                drainQueued.set(false);
                refuseAllQueued();
            }
        }
    }

    /** The storage executor is gone: whatever is still queued is refused (each batch exactly once). */
    private void refuseAllQueued() {
        for (Waiting waiting; (waiting = queue.poll()) != null; ) {
            waiting.pending().decrementAndGet();
            unanswered.decrementAndGet();
            Replies.refuse(waiting.channel(), ErrorCode.SHUTTING_DOWN, waiting.batch().first(),
                    "the central is stopping");
        }
    }

    /** Storage thread: stores and answers everything queued, group by group, until the queue is empty. */
    private void drain() {
        // Cleared before polling: a batch added from now on either is polled below or queues another drain.
        drainQueued.set(false);
        List<Waiting> group = new ArrayList<>(MAX_GROUP);
        List<Lottery.Batch> batches = new ArrayList<>(MAX_GROUP);
        for (Waiting waiting; (waiting = queue.poll()) != null; ) {
            group.add(waiting);
            batches.add(new Lottery.Batch(waiting.rows(), waiting.batch().first()));
            if (group.size() == MAX_GROUP) {
                store(group, batches);
                group.clear();
                batches.clear();
            }
        }
        if (!group.isEmpty()) {
            store(group, batches);
        }
    }

    private void store(List<Waiting> group, List<Lottery.Batch> batches) {
        List<Outcome> outcomes;
        try {
            outcomes = lottery.store(batches);
        } catch (RuntimeException e) {
            // Not expected (store failures come back as outcomes), but every batch still gets its answer.
            for (Lottery.Batch batch : batches) {
                LOG.error("{}", ActionLine.fail("apuesta_recibida").with("cantidad", batch.rows().bets().size())
                        .with("agency", batch.rows().agency()).withError(String.valueOf(e)));
            }
            Outcome failed = new Outcome(Outcome.Kind.REFUSED, ErrorCode.STORAGE_FAILURE,
                    "the batch could not be stored");
            outcomes = Collections.nCopies(batches.size(), failed);
        }
        Map<EventLoop, List<Answer>> byLoop = new IdentityHashMap<>();
        for (int i = 0; i < group.size(); i++) {
            Waiting waiting = group.get(i);
            Outcome outcome = outcomes.get(i);
            if (!outcome.acknowledged() && outcome.code().closesConnection()) {
                // At once, not with the answer: frames the agency sent behind this batch must not be acted on.
                waiting.channel().attr(AgencyAttributes.REFUSED).set(Boolean.TRUE);
            }
            byLoop.computeIfAbsent(waiting.channel().eventLoop(), loop -> new ArrayList<>())
                    .add(new Answer(waiting, outcome));
        }
        byLoop.forEach((loop, answers) -> {
            if (loop.inEventLoop()) {
                answerAll(answers);
            } else {
                try {
                    loop.execute(() -> answerAll(answers));
                } catch (RejectedExecutionException e) {
                    // The event loops have stopped (shutdown): their connections are closed and get no answer.
                    unanswered.addAndGet(-answers.size());
                }
            }
        });
    }

    /** An outcome on its way to its connection. */
    private record Answer(Waiting waiting, Outcome outcome) {
    }

    /** Event loop: writes the answers for its connections, in order, then flushes each of them once. */
    private void answerAll(List<Answer> answers) {
        Set<Channel> written = new LinkedHashSet<>();
        for (Answer answer : answers) {
            answer(answer.waiting(), answer.outcome());
            written.add(answer.waiting().channel());
        }
        written.forEach(Channel::flush);
    }

    /** Event loop of the batch's connection. */
    private void answer(Waiting waiting, Outcome outcome) {
        Channel channel = waiting.channel();
        int left = waiting.pending().decrementAndGet();
        unanswered.decrementAndGet();
        // A paused connection is read again once the storage thread has caught up with it and the budget allows;
        // with none of its batches left it is read again in any case, so no connection waits on others forever.
        if (!channel.config().isAutoRead() && (left == 0 || left < BetsHandler.RESUME_BELOW && !overBudget())) {
            channel.config().setAutoRead(true);
        }
        BetBatch batch = waiting.batch();
        if (outcome.acknowledged()) {
            channel.write(new BatchAck(batch.first(), batch.bets().size()));
        } else {
            Replies.refuse(channel, outcome.code(), batch.first(), outcome.reason());
        }
    }
}
