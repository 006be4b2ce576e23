package ar.loteria.central;

import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.central.status.IngestSample;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Welcome;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class StorageDispatcherTest {

    private static final Bet BET = new Bet("Ana", "Paz", "1", "1990-01-01", 5);

    private static BetBatch batch(long agency, long first) {
        return new BetBatch(agency, first, List.of(BET));
    }

    @Test
    void aFailureOutsideTheStoreStillAnswersEveryBatchAndFreesItsPlace() {
        // given: a ledger that fails in an unexpected way, and a budget of one waiting batch
        Ledger ledger = Dispatchers.mockLedger();
        when(ledger.store(anyList())).thenThrow(new IllegalStateException("a bug"));
        StorageDispatcher storage = Dispatchers.on(ImmediateEventExecutor.INSTANCE, ledger, 1);
        EmbeddedChannel channel = new EmbeddedChannel();
        AgencyConnection connection = AgencyConnection.attach(channel, storage);
        BetBatch batch = batch(3, 0);

        // when
        storage.store(connection, batch);

        // then: refused as not stored, nothing left waiting, the budget free again
        ErrorReply reply = assertInstanceOf(ErrorReply.class, channel.readOutbound());
        assertEquals(ErrorCode.STORAGE_FAILURE, reply.code());
        assertEquals(0, reply.ref());
        assertNull(channel.readOutbound());
        assertEquals(0, connection.waiting());
        assertFalse(storage.overBudget());
        assertTrue(channel.config().isAutoRead());
        channel.finishAndReleaseAll();
    }

    @Test
    void aLedgerThatCannotAnswerAHelloClosesTheConnectionSoTheAgencyConnectsAgain() {
        // given
        Ledger ledger = Dispatchers.mockLedger();
        when(ledger.stored(anyLong())).thenThrow(new IllegalStateException("database gone"));
        StorageDispatcher storage = Dispatchers.on(ImmediateEventExecutor.INSTANCE, ledger, 10);
        EmbeddedChannel channel = new EmbeddedChannel();
        AgencyConnection connection = AgencyConnection.attach(channel, storage);

        // when
        storage.hello(connection, 4);

        // then
        ErrorReply reply = assertInstanceOf(ErrorReply.class, channel.readOutbound());
        assertEquals(ErrorCode.STORAGE_FAILURE, reply.code());
        assertFalse(channel.isActive());
        channel.finishAndReleaseAll();
    }

    @Test
    void messagesQueuedAfterTheStorageThreadStoppedAreRefusedAsShuttingDownAndNothingIsStored() {
        // given: a dispatcher that has been closed
        Ledger ledger = Dispatchers.mockLedger();
        StorageDispatcher storage = Dispatchers.on(ImmediateEventExecutor.INSTANCE, ledger, 10);
        storage.close();
        EmbeddedChannel channel = new EmbeddedChannel();
        AgencyConnection connection = AgencyConnection.attach(channel, storage);

        // when
        storage.store(connection, batch(2, 7));

        // then
        ErrorReply reply = assertInstanceOf(ErrorReply.class, channel.readOutbound());
        assertEquals(ErrorCode.SHUTTING_DOWN, reply.code());
        assertEquals(7, reply.ref());
        assertFalse(channel.isActive());
        verify(ledger, never()).store(anyList());
        verify(ledger).close();
        assertFalse(storage.overBudget());
        channel.finishAndReleaseAll();
    }

    @Test
    void theMessagesOfOneRoundOfAnEventLoopWakeTheStorageThreadOnceWhenTheRoundEnds() throws Exception {
        // given: a storage thread that counts its wake-ups, and three connections on one real event loop
        AtomicInteger wakes = new AtomicInteger();
        EventExecutor storageThread = new SingleThreadEventExecutor(null, new DefaultThreadFactory("test-storage"),
                true) {
            @Override
            public void execute(Runnable task) {
                wakes.incrementAndGet();
                super.execute(task);
            }

            @Override
            protected void run() {
                do {
                    Runnable task = takeTask();
                    if (task != null) {
                        runTask(task);
                        updateLastExecutionTime();
                    }
                } while (!confirmShutdown());
            }
        };
        Ledger ledger = Dispatchers.mockLedger();
        when(ledger.stored(anyLong())).thenReturn(0L);
        StorageDispatcher storage = Dispatchers.on(storageThread, ledger, 10);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            List<AgencyConnection> connections = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                NioSocketChannel channel = new NioSocketChannel();
                channel.pipeline().addLast(new ChannelOutboundHandlerAdapter() {
                    @Override
                    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                        // The WELCOME reaches the connection; it has no socket to go out on.
                        promise.setSuccess();
                    }
                });
                group.register(channel).sync();
                connections.add(AgencyConnection.attach(channel, storage));
            }

            // when: the loop reads three HELLOs in one round
            int wokenDuringTheRound = group.next().submit(() -> {
                for (int i = 0; i < 3; i++) {
                    storage.hello(connections.get(i), i + 1);
                }
                return wakes.get();
            }).get(10, TimeUnit.SECONDS);

            // then: the storage thread was not woken while the round went on, then once for all three
            assertEquals(0, wokenDuringTheRound);
            verify(ledger, timeout(10_000)).stored(3);
            assertEquals(1, wakes.get());
            for (AgencyConnection connection : connections) {
                group.next().submit(() -> assertEquals(0, connection.waiting())).get(10, TimeUnit.SECONDS);
                connection.channel().close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            storage.close();
        }
    }

    @Test
    void aRefusalDecidedOnTheEventLoopWaitsBehindTheConnectionsQueuedMessages() {
        // given: a storage thread that has not run yet, with a HELLO of the connection queued
        Ledger ledger = Dispatchers.mockLedger();
        when(ledger.stored(1)).thenReturn(0L);
        EmbeddedChannel storageThread = new EmbeddedChannel();
        StorageDispatcher storage = Dispatchers.on(storageThread.eventLoop(), ledger, 10);
        EmbeddedChannel channel = new EmbeddedChannel();
        AgencyConnection connection = AgencyConnection.attach(channel, storage);
        storage.hello(connection, 1);

        // when: a refusal is decided on the event loop
        connection.refuse(ErrorCode.INVALID_BET, 4, "bad");

        // then: nothing is written before the HELLO is answered, and then both in order
        assertNull(channel.readOutbound());
        storageThread.runPendingTasks();
        assertEquals(new Welcome(1, 0), channel.readOutbound());
        assertEquals(ErrorCode.INVALID_BET, ((ErrorReply) channel.readOutbound()).code());
        channel.finishAndReleaseAll();
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aConnectionWithNothingQueuedIsRefusedAtOnce() {
        // given
        Ledger ledger = Dispatchers.mockLedger();
        when(ledger.store(anyList())).thenReturn(List.of(Outcome.DONE));
        EmbeddedChannel storageThread = new EmbeddedChannel();
        StorageDispatcher storage = Dispatchers.on(storageThread.eventLoop(), ledger, 10);
        EmbeddedChannel channel = new EmbeddedChannel();
        AgencyConnection connection = AgencyConnection.attach(channel, storage);

        // when
        connection.refuse(ErrorCode.WRONG_AGENCY, 0, "not yours");

        // then
        assertEquals(ErrorCode.WRONG_AGENCY, ((ErrorReply) channel.readOutbound()).code());
        assertTrue(channel.isActive());
        channel.finishAndReleaseAll();
        storageThread.finishAndReleaseAll();
    }

    @Test
    void theStatusIsPublishedEveryPeriodWithTheIngestOfTheLastMinute() {
        // given: a store that takes 100 bets per period, and a clock the test moves
        Ledger ledger = Dispatchers.mockLedger();
        AtomicLong stored = new AtomicLong();
        when(ledger.view()).thenAnswer(call -> new LedgerView(2, null, stored.get() * 47,
                List.of(new AgencyTally(1, stored.get(), false, -1))));
        when(ledger.view(anyCollection())).thenCallRealMethod();
        EmbeddedChannel storageThread = new EmbeddedChannel();
        Instant start = Instant.parse("2026-12-01T10:00:00Z");
        AtomicReference<Instant> now = new AtomicReference<>(start);
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        // Only the test moves the storage thread's time: a slow run must not add a period of its own.
        storageThread.freezeTime();
        StorageDispatcher storage = new StorageDispatcher(storageThread.eventLoop(), ledger, 10, clock);
        storage.publishStatusEvery(Duration.ofMillis(250));
        storageThread.runPendingTasks();

        // when: 90 s of periods
        for (int period = 1; period <= 360; period++) {
            stored.set(period * 100L);
            now.set(start.plusMillis(period * 250L));
            storageThread.advanceTimeBy(250, TimeUnit.MILLISECONDS);
            storageThread.runScheduledPendingTasks();
        }

        // then: the latest counts, and one sample per period over the last minute only
        CentralStatus status = storage.status();
        assertEquals(now.get(), status.at());
        assertEquals(36_000, status.betsStored());
        assertEquals(36_000 * 47, status.storeBytes());
        List<IngestSample> ingest = status.ingest();
        assertEquals(240, ingest.size());
        assertEquals(new IngestSample(now.get(), 36_000), ingest.get(ingest.size() - 1));
        assertEquals(new IngestSample(now.get().minusMillis(59_750), 12_100), ingest.get(0));
        storageThread.finishAndReleaseAll();
    }
}
