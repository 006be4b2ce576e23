package ar.loteria.agency;

import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.bets.BetFileException;
import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.BetSource;
import ar.loteria.codec.BetBatch;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Streams the bets of one connection: counts the input (a first pass that also checks every record), skips the
 * bets the central already holds, then writes batches while the window has room. Each batch takes a permit of the
 * window; {@link AgencyHandler} gives one back per acknowledgement. Once the input is counted it fires
 * {@link SenderEvent.Counted}; when the input is done, {@link SenderEvent.AllSent}; when it is bad,
 * {@link SenderEvent.Failed}.
 *
 * <p>Runs on its own thread ("bet-sender-N"), never on the event loop, since it blocks on the file and on the
 * window. {@link #stop()} may be called from any thread.
 */
final class BatchSender implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);

    /** A failed write means the connection is gone or broken: close it, and the agency reconnects. */
    static final ChannelFutureListener CLOSE_ON_WRITE_FAILURE = future -> {
        if (!future.isSuccess()) {
            LOG.debug("write failed, closing the connection", future.cause());
            future.channel().close();
        }
    };

    private final Channel channel;
    private final BetInput input;
    private final long agency;
    private final int maxAmount;
    private final long stored;
    private final Semaphore window;
    private final long progressNanos;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopped;
    private volatile Thread runner;

    /**
     * @param channel   where batches go
     * @param input     the agency's bets
     * @param agency    agency id
     * @param maxAmount most bets per batch
     * @param stored    bets the central already holds (from WELCOME): they are skipped
     * @param window    permits for batches in flight
     * @param progress  how often to log progress
     */
    BatchSender(Channel channel, BetInput input, long agency, int maxAmount, long stored, Semaphore window,
                Duration progress) {
        this.channel = channel;
        this.input = input;
        this.agency = agency;
        this.maxAmount = maxAmount;
        this.stored = stored;
        this.window = window;
        this.progressNanos = progress.toNanos();
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        try {
            send();
        } catch (InterruptedException e) {
            if (!stopped) {
                Thread.currentThread().interrupt();
            }
        } catch (BetFileException e) {
            report(new SenderEvent.Failed(e));
        } catch (ClosedByInterruptException e) {
            LOG.debug("sender interrupted while reading {}", input.name());
        } catch (IOException e) {
            report(new SenderEvent.Failed(new BetFileException(input.name(), 0, "cannot be read: " + e)));
        } finally {
            runner = null;
            finished.countDown();
        }
    }

    /** Asks the sender to stop: it writes no more batches and closes its file. Any thread. */
    void stop() {
        stopped = true;
        Thread thread = runner;
        // Inline (in tests) the runner is the caller itself, which must not interrupt itself.
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
        }
    }

    /** Waits until the sender has ended (its file closed); false if it is still running after {@code timeout}. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The file or description the bets come from. */
    String inputName() {
        return input.name();
    }

    private void send() throws IOException, BetFileException, InterruptedException {
        long total = input.count();
        report(new SenderEvent.Counted(total));
        try (BetSource source = input.open()) {
            for (long skipped = 0; skipped < stored; skipped++) {
                if (source.next() == null) {
                    throw new BetFileException(input.name(), 0, "the central already holds " + stored
                            + " bets of agency " + agency + " but the input has only " + skipped);
                }
            }
            BetBatcher batcher = new BetBatcher(agency, maxAmount, source, stored);
            long lastReport = System.nanoTime();
            BetBatch batch;
            while (!stopped && (batch = batcher.next()) != null) {
                window.acquire();
                if (stopped) {
                    return;
                }
                channel.writeAndFlush(batch).addListener(CLOSE_ON_WRITE_FAILURE);
                long now = System.nanoTime();
                if (now - lastReport >= progressNanos) {
                    lastReport = now;
                    LOG.info("{}", AgencyLog.sending(batcher.position(), total));
                }
            }
            report(new SenderEvent.AllSent(batcher.position()));
        }
    }

    private void report(SenderEvent event) {
        if (!stopped) {
            channel.pipeline().fireUserEventTriggered(event);
        }
    }
}
