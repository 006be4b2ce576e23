package ar.loteria.central;

import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.BatchPreparer;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerOpener;
import ar.loteria.central.log.CentralLog;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import io.netty.channel.SingleThreadIoEventLoop;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The central's storage side and the only way into it. It owns the single storage thread, the {@link Ledger} (the
 * store and the lottery's state), the queue of messages waiting for them, the budget of waiting batches, the
 * RESULTS parked until the draw, and the published {@link CentralStatus}.
 *
 * <p>Handlers call {@link #hello}, {@link #store}, {@link #finish}, {@link #results} (and, through {@link
 * AgencyConnection}, {@link #reply}) on their event loop; each call queues one message. One storage task at a time
 * drains the queue <em>in arrival order</em>: consecutive batches, of any connections, are stored as a group with
 * one append (where the speed comes from), and any other message first stores the group before it, so nothing a
 * connection sent later is acted on before what it sent earlier. The {@link ReplyRouter} takes the answers back to
 * each event loop in the order they were decided, so each connection's replies keep the order of its messages; the
 * one exception is a RESULTS parked before the draw, answered when the draw happens.
 *
 * <p>A message that cannot be queued any more (the storage thread is stopping) is refused with SHUTTING_DOWN here,
 * in one place. {@link #open} opens the ledger on the storage thread and {@link #close} drains the queue, closes the
 * ledger there, and says loudly if it could not.
 *
 * <p>Thread-safe: the queue and the budget are concurrent; everything else belongs to the storage thread.
 */
public final class StorageDispatcher implements AutoCloseable {

    /** Batches per append: bounds the bytes one gathering write carries (at most 64 frames of 8 kB). */
    static final int MAX_GROUP = 64;
    /** Heap a waiting batch may take at most: its 8 kB frame as bytes, their layout and their CSV rows. */
    static final int BATCH_MEMORY_BYTES = 32 * 1024;
    private static final long CLOSE_TIMEOUT_MILLIS = 10_000;
    /** How soon to look again when the close has passed and the draw is not known yet. */
    static final Duration CLOSE_RETRY = Duration.ofMillis(100);

    private final EventExecutor storage;
    private final Ledger ledger;
    private final int maxQueued;
    private final Queue<StorageWork> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    /** Per event loop thread: the wake-up its round of reads has due, at most one at a time. */
    private final FastThreadLocal<LoopWake> loopWakes = new FastThreadLocal<>() {
        @Override
        protected LoopWake initialValue() {
            return new LoopWake();
        }
    };
    private final Runnable drain = this::drain;
    /** Batches queued and not yet answered, over all connections: the budget {@link #overBudget()} checks. */
    private final AtomicInteger unansweredBatches = new AtomicInteger();
    private final ReplyRouter replies = new ReplyRouter(unansweredBatches);
    private final StatusRecorder status;
    private volatile boolean accepting = true;

    private final LedgerWorker worker;
    private final BatchPreparer preparer;

    // Storage thread only.
    private boolean ledgerClosed;
    private ScheduledFuture<?> statusUpdates;
    private final Clock clock;
    private ScheduledFuture<?> closeTimer;
    private Instant closeArmedFor;

    /**
     * A dispatcher over a ledger already open, on an executor the caller provides (tests pass an immediate one);
     * {@link #close} shuts that executor down.
     *
     * @param maxQueued batches waiting over all connections beyond which a connection that has some of its own
     *                  waiting stops being read
     */
    StorageDispatcher(EventExecutor storage, Ledger ledger, int maxQueued, Clock clock) {
        this.storage = storage;
        this.ledger = ledger;
        this.maxQueued = maxQueued;
        this.status = new StatusRecorder(clock);
        this.clock = clock;
        this.worker = new LedgerWorker(ledger, replies, status);
        this.preparer = ledger.preparer();
        ledger.onDrawLearned(() -> enqueue(new StorageWork.DrawLearned()));
    }

    /**
     * Starts the storage thread ({@code bet-storage}) and opens the ledger on it: the store is opened, scanned and,
     * at the end, closed by the one thread that writes it. The first status is published before this returns.
     *
     * @throws Exception what opening the ledger threw; the thread is stopped again
     */
    public static StorageDispatcher open(LedgerOpener opener) throws Exception {
        EventExecutor storage = new DefaultEventExecutor(new DefaultThreadFactory("bet-storage"));
        Future<Ledger> opened = storage.submit(opener::open).awaitUninterruptibly();
        if (!opened.isSuccess()) {
            storage.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
            Throwable cause = opened.cause();
            throw cause instanceof Exception e ? e : new IllegalStateException(cause);
        }
        StorageDispatcher dispatcher = new StorageDispatcher(storage, opened.getNow(), defaultMaxQueued(),
                Clock.systemDefaultZone());
        storage.submit(() -> {
            dispatcher.publishStatus();
            dispatcher.armClose();
        }).awaitUninterruptibly();
        return dispatcher;
    }

    /** A budget of waiting batches that keeps them within a quarter of the heap (at least 64). */
    static int defaultMaxQueued() {
        return (int) Math.min(Integer.MAX_VALUE,
                Math.max(64, Runtime.getRuntime().maxMemory() / 4 / BATCH_MEMORY_BYTES));
    }

    // --- Event loop side: one call per message, in the order the connection sent them.

    /** HELLO accepted on the event loop: WELCOME with what the store holds for the agency, in turn. */
    void hello(AgencyConnection from, long agency) {
        enqueue(new StorageWork.Hello(from, agency));
    }

    /**
     * A validated batch: prepared for the ledger's store here, on the caller's event loop, then BATCH_ACK once stored
     * (or an ERROR), in turn.
     */
    void store(AgencyConnection from, BetBatch batch) {
        Batch prepared = preparer.prepare(new Batch(batch.agency(), batch.first(), batch.bets()));
        unansweredBatches.incrementAndGet();
        enqueue(new StorageWork.Bets(from, prepared));
    }

    /** FINISH: FINISH_ACK (the draw may happen) or an ERROR, in turn. */
    void finish(AgencyConnection from, long agency, long total) {
        enqueue(new StorageWork.Finish(from, agency, total));
    }

    /** RESULTS: the agency's winners at once after the draw, else the moment it happens. */
    void results(AgencyConnection from, long agency) {
        from.resultsAsked();
        enqueue(new StorageWork.Results(from, agency));
    }

    /** An ERROR decided on the event loop, sent after the replies to the connection's earlier messages. */
    void reply(AgencyConnection from, ErrorReply error, boolean closes) {
        enqueue(new StorageWork.Refusal(from, error, closes));
    }

    /**
     * A connection bound to {@code agency} closed: its parked RESULTS are forgotten, and the status counts it gone.
     * With none of its RESULTS unanswered and no connections counted there is nothing to tell: the storage thread is
     * not woken for it.
     */
    void closed(AgencyConnection connection, long agency) {
        if (connection.resultsUnanswered() == 0 && !status.countsConnections()) {
            return;
        }
        enqueue(new StorageWork.Closed(connection, agency));
    }

    /** Counts a batch refused on the event loop (for the status). Any thread. */
    void countRefused(ErrorCode code) {
        status.refused(code);
    }

    /** Whether the batches waiting over all connections are at or over the budget. Any thread. */
    boolean overBudget() {
        return unansweredBatches.get() >= maxQueued;
    }

    /** The latest published status ({@code null} until the first); any thread, never asks the storage thread. */
    public CentralStatus status() {
        return status.latest();
    }

    /** Publishes the status every {@code period} on the storage thread, until {@link #close}. */
    public void publishStatusEvery(Duration period) {
        status.countConnections();
        storage.execute(() -> statusUpdates = storage.scheduleAtFixedRate(this::publishStatus,
                period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void enqueue(StorageWork work) {
        AgencyConnection from = work.from();
        if (from != null) {
            from.queued();
        }
        queue.add(work);
        if (!accepting) {
            refuseQueued();
        } else if (!wakeAfterLoopIteration(from)) {
            wake();
        }
        if (from != null) {
            from.afterQueued();
        }
    }

    /** Has the storage thread drain the queue, unless a drain is queued already. Any thread. */
    private void wake() {
        if (drainQueued.compareAndSet(false, true)) {
            try {
                storage.execute(drain);
            } catch (RejectedExecutionException e) {
                drainQueued.set(false);
                refuseQueued();
            }
        }
    }

    /**
     * On a connection's own event loop, the storage thread is woken once, when the loop has handled what its
     * sockets had ready, for all the messages those reads queued: one wake-up and one drain for a round of
     * connections rather than one per message. Elsewhere (another thread, a loop that runs no I/O, an embedded
     * channel's) the caller wakes it at once.
     *
     * @return whether the wake-up is left to the end of the loop's round
     */
    private boolean wakeAfterLoopIteration(AgencyConnection from) {
        if (from == null || !(from.channel().eventLoop() instanceof SingleThreadIoEventLoop loop)
                || !loop.inEventLoop()) {
            return false;
        }
        LoopWake pending = loopWakes.get();
        if (!pending.armed) {
            pending.armed = true;
            loop.executeAfterEventLoopIteration(pending);
        }
        return true;
    }

    /** One event loop's wake-up of the storage thread, due at the end of its round. That loop's thread only. */
    private final class LoopWake implements Runnable {
        private boolean armed;

        @Override
        public void run() {
            armed = false;
            wake();
        }
    }

    /** The storage thread takes no more work: whatever is still queued is refused, each message exactly once. */
    private void refuseQueued() {
        List<Reply> refusals = new ArrayList<>();
        for (StorageWork work; (work = queue.poll()) != null; ) {
            if (work.from() != null) {
                long ref = work instanceof StorageWork.Bets bets ? bets.batch().first() : 0;
                refusals.add(new Reply(work.from(), List.of(new ErrorReply(ErrorCode.SHUTTING_DOWN, ref,
                        "the central is stopping")), 1, true, true, work instanceof StorageWork.Bets));
            }
        }
        replies.sendNow(refusals);
    }

    // --- Storage thread.

    /** Handles everything queued, in order, until the queue is empty. */
    private void drain() {
        // Cleared before polling: a message queued from now on either is polled below or queues another drain.
        drainQueued.set(false);
        if (ledgerClosed) {
            refuseQueued();
            return;
        }
        worker.handleAll(queue);
        armClose();
    }

    /**
     * Has the storage thread call on the ledger at its close of betting ({@link Ledger#closesAt()}): a tick is queued
     * then, in turn with the agencies' messages, and the ledger draws and the parked RESULTS are answered. Asked after
     * every round of messages, since a first FINISH may set the close; once its moment has passed without the draw
     * (a database whose clock is a little behind this central's), asked again every {@link #CLOSE_RETRY}.
     */
    private void armClose() {
        Instant at = ledgerClosed || worker.drawAnswered() ? null : ledger.closesAt();
        boolean pending = closeTimer != null && !closeTimer.isDone();
        if (at == null || pending && at.equals(closeArmedFor)) {
            return;
        }
        if (pending) {
            closeTimer.cancel(false);
        }
        long delay = Math.max(0, Duration.between(clock.instant(), at).toNanos());
        if (at.equals(closeArmedFor)) {
            // Its moment came and went, and the draw is not known yet: look again a little later.
            delay = Math.max(delay, CLOSE_RETRY.toNanos());
        }
        closeArmedFor = at;
        closeTimer = storage.schedule(() -> enqueue(new StorageWork.Tick()), delay, TimeUnit.NANOSECONDS);
    }

    private void publishStatus() {
        if (!ledgerClosed) {
            worker.publishStatus();
        }
    }

    /** Messages queued for the storage thread and not taken yet. Any thread. */
    int queued() {
        return queue.size();
    }

    /** Storage thread: RESULTS requests waiting for the draw now. */
    int parkedCount() {
        return worker.parkedCount();
    }

    /**
     * Stops taking messages, stores and answers what is queued, closes the ledger on the storage thread and stops
     * it; each wait bounded. If the storage thread does not finish in time, the store is left open rather than
     * closed under a write, and that is logged as a failure. Call after the event loops have stopped. Idempotent.
     */
    @Override
    public void close() {
        if (!accepting) {
            return;
        }
        accepting = false;
        Future<?> drained;
        try {
            drained = storage.submit(() -> {
                if (statusUpdates != null) {
                    statusUpdates.cancel(false);
                }
                if (closeTimer != null) {
                    closeTimer.cancel(false);
                }
                drain();
                ledgerClosed = true;
                ledger.close();
            });
        } catch (RejectedExecutionException e) {
            CentralLog.notClosed("close_store", "the storage thread had already stopped");
            return;
        }
        if (!drained.awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS)) {
            CentralLog.notClosed("close_store", "the storage thread was still busy after "
                    + CLOSE_TIMEOUT_MILLIS / 1000 + " s; the store was left open", "queued", queue.size());
        } else if (!drained.isSuccess()) {
            CentralLog.notClosed("close_store", String.valueOf(drained.cause()));
        }
        boolean stopped = storage.shutdownGracefully(0, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        if (stopped) {
            CentralLog.closed("close_storage_executor");
        } else {
            CentralLog.notClosed("close_storage_executor", "still running after " + CLOSE_TIMEOUT_MILLIS / 1000
                    + " s");
        }
    }
}
