package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.testkit.LogCapture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sender on a thread of its own, as in production. The channel only records what reaches it; the test gives
 * window permits back as the handler would on each acknowledgement. Only the sender touches the channel while
 * it runs.
 */
class BatchSenderTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<BetBatch> written = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written.add((BetBatch) msg);
            promise.setSuccess();
        }
    }, new ChannelInboundHandlerAdapter() {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }
    });
    private Thread thread;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (thread != null) {
            thread.interrupt();
            thread.join(WAIT.toMillis());
        }
        assertFalse(channel.finish());
    }

    @Test
    void keepsAtMostTheWindowOfBatchesInFlight() throws Exception {
        // given: 10 bets in batches of 2, and a window of 2
        Semaphore window = new Semaphore(2);
        BatchSender sender = sender(TestBets.bets(10, 0), 0, window);

        // when
        start(sender);

        // then: two batches go, the third waits for an acknowledgement
        assertNotNull(written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNotNull(written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertNull(written.poll(200, TimeUnit.MILLISECONDS));
        window.release();
        assertEquals(4, written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).first());
        window.release(2);
        assertEquals(6, written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).first());
        assertEquals(8, written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS).first());
        assertEquals(new SenderEvent.Counted(10), events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(new SenderEvent.AllSent(10), events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(sender.awaitEnd(WAIT));
    }

    @Test
    void skipsTheBetsTheCentralAlreadyHolds() throws Exception {
        // given
        List<Bet> bets = TestBets.bets(7, 0);
        BatchSender sender = sender(bets, 4, new Semaphore(32));

        // when
        start(sender);

        // then: the whole input counted, the stored bets skipped
        assertEquals(new SenderEvent.Counted(7), events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(new SenderEvent.AllSent(7), events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertEquals(new BetBatch(1, 4, bets.subList(4, 6)), written.poll());
        assertEquals(new BetBatch(1, 6, bets.subList(6, 7)), written.poll());
        assertNull(written.poll());
    }

    @Test
    void stopEndsASenderWaitingForTheWindowWithoutReportingCompletion() throws Exception {
        // given: a sender blocked on a full window
        Semaphore window = new Semaphore(1);
        BatchSender sender = sender(TestBets.bets(10, 0), 0, window);
        start(sender);
        assertNotNull(written.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS));

        // when
        sender.stop();

        // then: the count came before the first batch, and nothing after the stop
        assertTrue(sender.awaitEnd(WAIT));
        assertEquals(List.of(new SenderEvent.Counted(10)), List.copyOf(events));
        assertTrue(written.isEmpty());
    }

    @Test
    void logsProgressAgainstTheInputsTotal() throws Exception {
        // given: progress due after every batch
        BatchSender sender = new BatchSender(channel, BetInput.of("test", TestBets.bets(5, 0)), 1, 2, 0,
                new Semaphore(32), Duration.ZERO);
        try (LogCapture logs = LogCapture.attach()) {

            // when
            start(sender);
            assertTrue(sender.awaitEnd(WAIT));

            // then
            assertEquals(List.of("INFO action: envio | result: in_progress | enviadas: 2 | total: 5",
                    "INFO action: envio | result: in_progress | enviadas: 4 | total: 5",
                    "INFO action: envio | result: in_progress | enviadas: 5 | total: 5"), logs.texts());
        }
        written.clear();
    }

    private BatchSender sender(List<Bet> bets, long stored, Semaphore window) {
        return new BatchSender(channel, BetInput.of("test", bets), 1, 2, stored, window, Duration.ofSeconds(5));
    }

    private void start(BatchSender sender) {
        thread = new Thread(sender, "bet-sender-test");
        thread.setDaemon(true);
        thread.start();
    }
}
