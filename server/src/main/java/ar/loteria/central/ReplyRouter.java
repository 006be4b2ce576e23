package ar.loteria.central;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries the storage side's answers to the connections' event loops: replies are collected in the order they are
 * decided and sent as one task per event loop, which writes them in that order and flushes each connection once.
 * So each connection's replies keep the order of its messages, at the cost of one task per loop per group rather
 * than one per reply.
 *
 * <p>{@link #add} and {@link #send()} run on the storage thread; {@link #sendNow} on any thread; the writing on
 * each connection's event loop.
 */
final class ReplyRouter {

    private final AtomicInteger unansweredBatches;
    private final Map<EventLoop, List<Reply>> pending = new IdentityHashMap<>();
    /** Replies added since the last {@link #send()}. */
    private int added;

    /** @param unansweredBatches the budget's count, decremented as batches are answered */
    ReplyRouter(AtomicInteger unansweredBatches) {
        this.unansweredBatches = unansweredBatches;
    }

    /** Queues a reply behind those already decided. Storage thread. */
    void add(Reply reply) {
        pending.computeIfAbsent(reply.to().channel().eventLoop(), loop -> new ArrayList<>()).add(reply);
        added++;
    }

    /** Replies added and not sent yet. Storage thread. */
    int pending() {
        return added;
    }

    /** Sends what was added since the last call. Storage thread. */
    void send() {
        added = 0;
        if (pending.isEmpty()) {
            return;
        }
        Map<EventLoop, List<Reply>> ready = new IdentityHashMap<>(pending);
        pending.clear();
        dispatch(ready);
    }

    /** Sends {@code replies} at once, each to its event loop, in order. Any thread. */
    void sendNow(List<Reply> replies) {
        Map<EventLoop, List<Reply>> byLoop = new IdentityHashMap<>();
        for (Reply reply : replies) {
            byLoop.computeIfAbsent(reply.to().channel().eventLoop(), loop -> new ArrayList<>()).add(reply);
        }
        dispatch(byLoop);
    }

    private void dispatch(Map<EventLoop, List<Reply>> byLoop) {
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
}
