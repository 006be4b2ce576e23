package ar.loteria.central;

import ar.loteria.central.draw.AgencyTally;
import ar.loteria.central.draw.Batch;
import ar.loteria.central.draw.Ledger;
import ar.loteria.central.draw.LedgerView;
import ar.loteria.central.draw.Outcome;
import ar.loteria.central.status.AgencyStatus;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.central.status.IngestSample;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Message;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The central's storage side and the only way into it. It owns the single storage thread, the {@link Ledger} (the
 * store and the lottery's state), the queue of messages waiting for them, the budget of waiting batches, the
 * RESULTS parked until the draw, and the published {@link CentralStatus}.
 *
 * <p>Handlers call {@link #hello}, {@link #store}, {@link #finish}, {@link #results} (and, through {@link
 * AgencyConnection}, {@link #reply}) on their event loop; each call queues one message. One storage task at a time
 * drains the queue <em>in arrival order</em>: consecutive batches, of any connections, are stored as a group with
 * one append (where the speed comes from), and any other message first stores the group before it, so nothing a
 * connection sent later is acted on before what it sent earlier. Answers go back to each event loop as one task per
 * group, in the order they were decided, so each connection's replies keep the order of its messages; the one
 * exception is a RESULTS parked before the draw, answered when the draw happens.
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
    /** How far back the status's ingest samples go. */
    static final Duration INGEST_WINDOW = Duration.ofSeconds(60);

    /** An answer on its way to a connection's event loop: messages to write, so many times. */
    record Reply(AgencyConnection to, List<? extends Message> messages, int times, boolean closes,
                 boolean completes, boolean batch) {
    }

    /** A message waiting for the storage thread. */
    private sealed interface Work permits HelloWork, BetsWork, FinishWork, ResultsWork, ReplyWork, ClosedWork,
            DrawLearned {
    }

    private record HelloWork(AgencyConnection from, long agency) implements Work {
    }

    private record BetsWork(AgencyConnection from, BetBatch batch, CsvRows rows) implements Work {
    }

    private record FinishWork(AgencyConnection from, long agency, long total) implements Work {
    }

    private record ResultsWork(AgencyConnection from, long agency) implements Work {
    }

    /** A reply decided on the event loop that must wait its turn behind the connection's earlier messages. */
    private record ReplyWork(AgencyConnection from, ErrorReply error, boolean closes) implements Work {
    }

    private record ClosedWork(AgencyConnection from, long agency) implements Work {
    }

    private record DrawLearned() implements Work {
    }

    private final EventExecutor storage;
    private final Ledger ledger;
    private final int maxQueued;
    private final Clock clock;
    private final Queue<Work> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final Runnable drain = this::drain;
    /** Batches queued and not yet answered, over all connections: the budget {@link #overBudget()} checks. */
    private final AtomicInteger unansweredBatches = new AtomicInteger();
    private final AtomicLongArray refusedBatches = new AtomicLongArray(ErrorCode.values().length);
    private volatile boolean accepting = true;
    private volatile CentralStatus status;

    // Storage thread only.
    private final List<BetsWork> group = new ArrayList<>(MAX_GROUP);
    private final Map<EventLoop, List<Reply>> replies = new IdentityHashMap<>();
    private final ParkedResults parked = new ParkedResults();
    private final Map<Long, Integer> connections = new HashMap<>();
    private final ArrayDeque<IngestSample> ingest = new ArrayDeque<>();
    private long batchesStored;
    private boolean drawAnswered;
    private boolean ledgerClosed;
    private ScheduledFuture<?> statusUpdates;

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
        this.clock = clock;
        ledger.onDrawLearned(() -> enqueue(null, new DrawLearned()));
    }

    /**
     * Starts the storage thread ({@code bet-storage}) and opens the ledger on it: the store is opened, scanned and,
     * at the end, closed by the one thread that writes it.
     *
     * @throws Exception what opening the ledger threw; the thread is stopped again
     */
    public static StorageDispatcher open(Callable<Ledger> opener) throws Exception {
        EventExecutor storage = new DefaultEventExecutor(new DefaultThreadFactory("bet-storage"));
        Future<Ledger> opened = storage.submit(opener).awaitUninterruptibly();
        if (!opened.isSuccess()) {
            storage.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
            Throwable cause = opened.cause();
            throw cause instanceof Exception e ? e : new IllegalStateException(cause);
        }
        StorageDispatcher dispatcher = new StorageDispatcher(storage, opened.getNow(), defaultMaxQueued(),
                Clock.systemDefaultZone());
        storage.submit(dispatcher::refreshStatus).awaitUninterruptibly();
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
        enqueue(from, new HelloWork(from, agency));
    }

    /** A validated batch, its rows rendered: BATCH_ACK once stored (or an ERROR), in turn. */
    void store(AgencyConnection from, BetBatch batch, CsvRows rows) {
        unansweredBatches.incrementAndGet();
        enqueue(from, new BetsWork(from, batch, rows));
    }

    /** FINISH: FINISH_ACK (the draw may happen) or an ERROR, in turn. */
    void finish(AgencyConnection from, long agency, long total) {
        enqueue(from, new FinishWork(from, agency, total));
    }

    /** RESULTS: the agency's winners at once after the draw, else the moment it happens. */
    void results(AgencyConnection from, long agency) {
        enqueue(from, new ResultsWork(from, agency));
    }

    /** An ERROR decided on the event loop, sent after the replies to the connection's earlier messages. */
    void reply(AgencyConnection from, ErrorReply error, boolean closes) {
        enqueue(from, new ReplyWork(from, error, closes));
    }

    /** A connection bound to {@code agency} closed: its parked RESULTS are forgotten. */
    void closed(AgencyConnection from, long agency) {
        enqueue(null, new ClosedWork(from, agency));
    }

    /** Counts a batch refused on the event loop (for the status). Any thread. */
    void countRefused(ErrorCode code) {
        refusedBatches.incrementAndGet(code.ordinal());
    }

    /** Whether the batches waiting over all connections are at or over the budget. Any thread. */
    boolean overBudget() {
        return unansweredBatches.get() >= maxQueued;
    }

    /** The latest published status ({@code null} until the first); any thread, never asks the storage thread. */
    public CentralStatus status() {
        return status;
    }

    /** Publishes the status every {@code period} on the storage thread, until {@link #close}. */
    public void publishStatusEvery(Duration period) {
        storage.execute(() -> statusUpdates = storage.scheduleAtFixedRate(this::refreshStatus,
                period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void enqueue(AgencyConnection from, Work work) {
        if (from != null) {
            from.queued();
        }
        queue.add(work);
        if (!accepting) {
            refuseQueued();
        } else if (drainQueued.compareAndSet(false, true)) {
            try {
                storage.execute(drain);
            } catch (RejectedExecutionException e) {
                drainQueued.set(false);
                refuseQueued();
            }
        }
        if (from != null) {
            from.afterQueued();
        }
    }

    /** The storage thread takes no more work: whatever is still queued is refused, each message exactly once. */
    private void refuseQueued() {
        Map<EventLoop, List<Reply>> refusals = new IdentityHashMap<>();
        for (Work work; (work = queue.poll()) != null; ) {
            Reply reply = shuttingDown(work);
            if (reply != null) {
                refusals.computeIfAbsent(reply.to().channel().eventLoop(), loop -> new ArrayList<>()).add(reply);
            }
        }
        send(refusals);
    }

    private static Reply shuttingDown(Work work) {
        AgencyConnection to;
        long ref = 0;
        boolean batch = false;
        if (work instanceof BetsWork bets) {
            to = bets.from();
            ref = bets.batch().first();
            batch = true;
        } else if (work instanceof HelloWork hello) {
            to = hello.from();
        } else if (work instanceof FinishWork finish) {
            to = finish.from();
        } else if (work instanceof ResultsWork results) {
            to = results.from();
        } else if (work instanceof ReplyWork reply) {
            to = reply.from();
        } else {
            return null;
        }
        return new Reply(to, List.of(new ErrorReply(ErrorCode.SHUTTING_DOWN, ref, "the central is stopping")), 1,
                true, true, batch);
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
        for (Work work; (work = queue.poll()) != null; ) {
            if (work instanceof BetsWork bets) {
                group.add(bets);
                if (group.size() == MAX_GROUP) {
                    storeGroup();
                }
            } else {
                // Batches queued before this message are stored before it is handled: arrival order.
                storeGroup();
                handle(work);
            }
        }
        storeGroup();
        sendReplies();
    }

    private void storeGroup() {
        if (group.isEmpty()) {
            return;
        }
        List<Batch> batches = new ArrayList<>(group.size());
        for (BetsWork bets : group) {
            batches.add(new Batch(bets.rows(), bets.batch().first()));
        }
        List<Outcome> outcomes;
        try {
            outcomes = ledger.store(batches);
        } catch (RuntimeException e) {
            // Not expected (store failures come back as outcomes), but every batch still gets its answer.
            for (Batch batch : batches) {
                CentralLog.batchRefused(batch.count(), batch.agency(), String.valueOf(e));
            }
            Outcome failed = Outcome.refused(ErrorCode.STORAGE_FAILURE, "the batch could not be stored");
            outcomes = Collections.nCopies(batches.size(), failed);
        }
        for (int i = 0; i < group.size(); i++) {
            BetsWork bets = group.get(i);
            Outcome outcome = outcomes.get(i);
            BetBatch batch = bets.batch();
            Message answer;
            if (outcome.acknowledged()) {
                batchesStored += outcome.kind() == Outcome.Kind.DONE ? 1 : 0;
                answer = new BatchAck(batch.first(), batch.bets().size());
            } else {
                countRefused(outcome.code());
                answer = new ErrorReply(outcome.code(), batch.first(), outcome.reason());
            }
            addReply(new Reply(bets.from(), List.of(answer), 1, !outcome.acknowledged()
                    && outcome.code().closesConnection(), true, true));
        }
        group.clear();
        // Answered per group rather than at the end of the drain: agencies get their acks while it goes on.
        sendReplies();
    }

    private void handle(Work work) {
        try {
            if (work instanceof HelloWork hello) {
                connections.merge(hello.agency(), 1, Integer::sum);
                addReply(hello.from(), new Welcome(hello.agency(), ledger.stored(hello.agency())));
            } else if (work instanceof FinishWork finish) {
                Outcome outcome = ledger.finish(finish.agency(), finish.total());
                addReply(finish.from(), outcome.acknowledged() ? new FinishAck(finish.agency(), finish.total())
                        : new ErrorReply(outcome.code(), 0, outcome.reason()));
            } else if (work instanceof ResultsWork results) {
                answerResults(results);
            } else if (work instanceof ReplyWork reply) {
                addReply(new Reply(reply.from(), List.of(reply.error()), 1, reply.closes(), true, false));
            } else if (work instanceof ClosedWork closed) {
                parked.forget(closed.from());
                connections.computeIfPresent(closed.agency(), (agency, open) -> open > 1 ? open - 1 : null);
            }
        } catch (RuntimeException e) {
            failed(work, e);
        }
        if (work instanceof FinishWork || work instanceof DrawLearned) {
            try {
                answerParkedIfDrawn();
            } catch (RuntimeException e) {
                CentralLog.storageFailed(String.valueOf(e), e);
            }
        }
    }

    /** The ledger failed in an unexpected way: the message is answered with STORAGE_FAILURE, and the reason logged. */
    private void failed(Work work, RuntimeException e) {
        CentralLog.storageFailed(String.valueOf(e), e);
        AgencyConnection to = work instanceof HelloWork hello ? hello.from()
                : work instanceof FinishWork finish ? finish.from()
                : work instanceof ResultsWork results ? results.from() : null;
        if (to != null) {
            // A HELLO left without its WELCOME would leave the agency waiting: close, so that it connects again.
            addReply(new Reply(to, List.of(new ErrorReply(ErrorCode.STORAGE_FAILURE, 0,
                    "the store could not answer: " + e.getMessage())), 1, work instanceof HelloWork, true, false));
        }
    }

    private void answerResults(ResultsWork results) {
        if (ledger.drawn()) {
            addReply(results.from(), winnersParts(results.agency()));
        } else {
            parked.park(results.from(), results.agency());
            // Handled, not answered: the connection's later messages need not wait for the draw.
            addReply(new Reply(results.from(), List.of(), 1, false, true, false));
        }
    }

    private void answerParkedIfDrawn() {
        if (drawAnswered || !ledger.drawn()) {
            return;
        }
        drawAnswered = true;
        parked.answerAll((connection, agency, times) ->
                addReply(new Reply(connection, winnersParts(agency), times, false, false, false)));
    }

    private List<Winners> winnersParts(long agency) {
        return Winners.partsOf(ledger.winnersOf(agency));
    }

    private void addReply(AgencyConnection to, Message message) {
        addReply(new Reply(to, List.of(message), 1, false, true, false));
    }

    private void addReply(AgencyConnection to, List<? extends Message> messages) {
        addReply(new Reply(to, messages, 1, false, true, false));
    }

    private void addReply(Reply reply) {
        replies.computeIfAbsent(reply.to().channel().eventLoop(), loop -> new ArrayList<>()).add(reply);
    }

    private void sendReplies() {
        if (replies.isEmpty()) {
            return;
        }
        Map<EventLoop, List<Reply>> ready = new IdentityHashMap<>(replies);
        replies.clear();
        send(ready);
    }

    /** One task per event loop with its replies, in order; or at once when already on that loop. Any thread. */
    private void send(Map<EventLoop, List<Reply>> byLoop) {
        byLoop.forEach((loop, answers) -> {
            if (loop.inEventLoop()) {
                deliver(answers);
                return;
            }
            try {
                loop.execute(() -> deliver(answers));
            } catch (RejectedExecutionException e) {
                // The event loops have stopped (shutdown): their connections are closed and get no answer.
                for (Reply reply : answers) {
                    if (reply.batch()) {
                        unansweredBatches.decrementAndGet();
                    }
                }
            }
        });
    }

    /** Event loop: writes the replies for its connections, in order, then flushes each connection once. */
    private void deliver(List<Reply> answers) {
        Set<Channel> written = new LinkedHashSet<>();
        for (Reply reply : answers) {
            if (reply.batch()) {
                unansweredBatches.decrementAndGet();
            }
            reply.to().deliver(reply);
            written.add(reply.to().channel());
        }
        written.forEach(Channel::flush);
    }

    /** Storage thread: takes a new status from the ledger and the dispatcher's own counts. */
    private void refreshStatus() {
        if (ledgerClosed) {
            return;
        }
        LedgerView view = ledger.view();
        Map<Long, AgencyStatus> agencies = new TreeMap<>();
        for (AgencyTally tally : view.agencies()) {
            agencies.put(tally.agency(), new AgencyStatus(tally.agency(), connections.getOrDefault(tally.agency(), 0),
                    tally.stored(), tally.finished(), tally.winners()));
        }
        connections.forEach((agency, open) -> agencies.putIfAbsent(agency,
                new AgencyStatus(agency, open, 0, false, view.drawn() ? 0 : -1)));
        Map<ErrorCode, Long> refused = new EnumMap<>(ErrorCode.class);
        for (ErrorCode code : ErrorCode.values()) {
            long count = refusedBatches.get(code.ordinal());
            if (count > 0) {
                refused.put(code, count);
            }
        }
        Instant now = clock.instant();
        long betsStored = view.betsStored();
        ingest.addLast(new IngestSample(now, betsStored));
        while (!ingest.getFirst().at().isAfter(now.minus(INGEST_WINDOW))) {
            ingest.removeFirst();
        }
        status = new CentralStatus(now, view.agenciesExpected(), view.agenciesFinished(), view.drawnAt(),
                betsStored, batchesStored, refused, parked.count(), view.storeBytes(),
                new ArrayList<>(agencies.values()), new ArrayList<>(ingest));
    }

    /** Storage thread: RESULTS requests waiting for the draw now. */
    int parkedCount() {
        return parked.count();
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
