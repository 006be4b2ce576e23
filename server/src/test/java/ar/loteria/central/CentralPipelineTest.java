package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.draw.FileLedger;
import ar.loteria.central.storage.BetStore;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ch.qos.logback.classic.Level;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The central's real pipeline in an {@link EmbeddedChannel}, a mocked store and an immediate storage executor. */
class CentralPipelineTest {

    private static final Bet GOOD = new Bet("Ana", "Lorca", "30904465", "1999-03-17", 2201);
    private static final Bet WINNER = new Bet("Juan", "Pérez", "00000042", "1980-01-01", 7574);
    private static final Bet BAD_DATE = new Bet("Eva", "Díaz", "123", "2023-02-30", 1);

    private final BetStore store = mock(BetStore.class);
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<AgencyWire> wires = new ArrayList<>();
    private FileLedger ledger;
    private StorageDispatcher storage;
    private CentralInitializer initializer;

    private void central(int agencies, Map<Long, String> tokens, int maxConnections) throws IOException {
        central(agencies, tokens, maxConnections, ImmediateEventExecutor.INSTANCE);
    }

    private void central(int agencies, Map<Long, String> tokens, int maxConnections, EventExecutor storage)
            throws IOException {
        central(agencies, tokens, maxConnections, storage, StorageDispatcher.defaultMaxQueued());
    }

    private void central(int agencies, Map<Long, String> tokens, int maxConnections, EventExecutor storage,
                         int maxQueued) throws IOException {
        ServerConfig config = new ServerConfig(0, "server", 5, "INFO", Level.INFO, agencies, Path.of("unused.csv"),
                maxConnections, Duration.ofSeconds(30), tokens);
        ledger = Dispatchers.ledger(store, agencies);
        this.storage = Dispatchers.on(storage, ledger, maxQueued);
        initializer = new CentralInitializer(config, this.storage, channels, null);
    }

    /**
     * A central whose storage thread runs only when the test says so (another embedded channel's loop queues its
     * tasks), and agency 1 already welcomed through it. Returns that storage thread; the test finishes it.
     */
    private EmbeddedChannel centralWithLaggingStorage() throws IOException {
        when(store.countsAtOpen()).thenReturn(Map.of());
        EmbeddedChannel storageThread = new EmbeddedChannel();
        central(5, Map.of(), 100, storageThread.eventLoop());
        return storageThread;
    }

    private AgencyWire welcomedThrough(EmbeddedChannel storageThread) {
        return welcomedThrough(storageThread, 1);
    }

    private AgencyWire welcomedThrough(EmbeddedChannel storageThread, long agency) {
        AgencyWire wire = connect();
        wire.send(new Hello(agency, ""));
        storageThread.runPendingTasks();
        assertInstanceOf(Welcome.class, wire.reply());
        return wire;
    }

    private void central(int agencies) throws IOException {
        when(store.countsAtOpen()).thenReturn(Map.of());
        central(agencies, Map.of(), 100);
    }

    private AgencyWire connect() {
        AgencyWire wire = new AgencyWire(new EmbeddedChannel(initializer));
        wires.add(wire);
        return wire;
    }

    private AgencyWire agency(long id) {
        AgencyWire wire = connect();
        wire.send(new Hello(id, ""));
        assertInstanceOf(Welcome.class, wire.reply());
        return wire;
    }

    /** The mocked store held these winners when it was opened: reading it from the start reports them. */
    @SuppressWarnings("unchecked")
    private void storeHoldsWinners(Map<Long, List<String>> winners) throws IOException {
        org.mockito.Mockito.doAnswer(call -> {
            winners.forEach((agency, documents) -> ((Map<Long, List<String>>) call.getArgument(0))
                    .computeIfAbsent(agency, a -> new ArrayList<>()).addAll(documents));
            return null;
        }).when(store).winningDocuments(any());
    }

    /** One append of the rows of exactly these bets of {@code agency}, rendered as the store writes them. */
    private static List<CsvRows> rowsOf(long agency, Bet... bets) {
        byte[] expected = CsvRows.render(agency, List.of(bets)).bytes();
        return argThat(batches -> batches.size() == 1 && batches.get(0).agency() == agency
                && batches.get(0).bets().equals(List.of(bets))
                && java.util.Arrays.equals(batches.get(0).bytes(), expected));
    }

    @AfterEach
    void finishChannels() {
        wires.forEach(AgencyWire::finish);
    }

    @Test
    void helloIsAnsweredWithTheBetsAlreadyStored() throws IOException {
        // given: a store that already holds 5 bets of agency 3
        when(store.countsAtOpen()).thenReturn(Map.of(3L, 5L));
        central(5, Map.of(), 100);

        // when
        AgencyWire wire = connect().send(new Hello(3, ""));

        // then
        assertEquals(new Welcome(3, 5), wire.reply());
    }

    @Test
    void validBatchIsStoredThenAcknowledged() throws IOException {
        // given
        central(5);
        AgencyWire wire = agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD, WINNER)));

        // then
        assertEquals(new BatchAck(0, 2), wire.reply());
        verify(store).append(rowsOf(1, GOOD, WINNER));
    }

    @Test
    void batchWithOneBadBetIsRefusedWholeAndNothingIsStored() throws IOException {
        // given
        central(5);
        AgencyWire wire = agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD, BAD_DATE, WINNER)));

        // then
        ErrorReply error = (ErrorReply) wire.reply();
        assertEquals(ErrorCode.INVALID_BET, error.code());
        assertEquals(0, error.ref());
        assertTrue(error.reason().contains("bet 1") && error.reason().contains("2023-02-30"), error.reason());
        verify(store, never()).append(anyList());
        assertTrue(wire.channel().isActive(), "a refused batch does not end the connection");

        // and the agency can go on with a good batch from the same position
        wire.send(new BetBatch(1, 0, List.of(GOOD)));
        assertEquals(new BatchAck(0, 1), wire.reply());
    }

    @Test
    void messageBeforeHelloIsRefusedAndTheConnectionCloses() throws IOException {
        central(5);
        AgencyWire wire = connect();

        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        assertEquals(ErrorCode.NOT_IDENTIFIED, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
        verify(store, never()).append(anyList());
    }

    @Test
    void batchForAnotherAgencyIsRefusedAndTheConnectionStays() throws IOException {
        // given: a connection bound to agency 1
        central(5);
        AgencyWire wire = agency(1);

        // when
        wire.send(new BetBatch(2, 0, List.of(GOOD)));

        // then
        ErrorReply error = (ErrorReply) wire.reply();
        assertEquals(ErrorCode.WRONG_AGENCY, error.code());
        verify(store, never()).append(anyList());
        assertTrue(wire.channel().isActive());
    }

    @Test
    void resultsForAnotherAgencyAreRefused() throws IOException {
        central(0);
        AgencyWire wire = agency(1);

        wire.send(new ResultsRequest(2));

        assertEquals(ErrorCode.WRONG_AGENCY, ((ErrorReply) wire.reply()).code());
    }

    @Test
    void secondHelloOnOneConnectionIsRefused() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        wire.send(new Hello(2, ""));

        assertEquals(ErrorCode.BAD_HELLO, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void unknownProtocolVersionIsRefused() throws IOException {
        central(5);
        AgencyWire wire = connect();

        wire.send(new Hello(2, 1, ""));

        assertEquals(ErrorCode.BAD_HELLO, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void agencyWithATokenMustSayIt() throws IOException {
        // given
        when(store.countsAtOpen()).thenReturn(Map.of());
        central(5, Map.of(1L, "s3cret"), 100);

        // when
        AgencyWire wrong = connect().send(new Hello(1, "guess"));
        AgencyWire none = connect().send(new Hello(1, ""));
        AgencyWire right = connect().send(new Hello(1, "s3cret"));
        AgencyWire other = connect().send(new Hello(2, ""));

        // then
        assertEquals(ErrorCode.AUTH_FAILED, ((ErrorReply) wrong.reply()).code());
        assertFalse(wrong.channel().isActive());
        assertEquals(ErrorCode.AUTH_FAILED, ((ErrorReply) none.reply()).code());
        assertEquals(new Welcome(1, 0), right.reply());
        assertEquals(new Welcome(2, 0), other.reply(), "agencies without a token need none");
    }

    @Test
    void resultsBeforeTheDrawWaitAndAreAnsweredAtTheDraw() throws IOException {
        // given: two agencies must finish; agency 1 sends a winner
        central(2);
        AgencyWire first = agency(1);
        AgencyWire second = agency(2);
        first.send(new BetBatch(1, 0, List.of(WINNER)));
        assertEquals(new BatchAck(0, 1), first.reply());
        first.send(new Finish(1, 1));
        assertEquals(new FinishAck(1, 1), first.reply());

        // when: agency 1 asks before agency 2 has finished
        first.send(new ResultsRequest(1));

        // then: no answer yet, not even a partial one
        assertEquals(List.of(), first.replies());
        assertFalse(ledger.drawn());

        // when: the last agency finishes
        second.send(new Finish(2, 0));

        // then: the waiting agency gets its winners at once, the other gets its own (none) on request
        assertEquals(new FinishAck(2, 0), second.reply());
        assertEquals(new Winners(true, List.of("00000042")), first.reply());
        second.send(new ResultsRequest(2));
        assertEquals(new Winners(true, List.of()), second.reply());
    }

    @Test
    void repeatedFinishCountsOnce() throws IOException {
        // given
        central(2);
        AgencyWire wire = agency(1);

        // when
        wire.send(new Finish(1, 0));
        wire.send(new Finish(1, 0));

        // then: both acknowledged, but one agency is not two
        assertEquals(List.of(new FinishAck(1, 0), new FinishAck(1, 0)), wire.replies());
        assertFalse(ledger.drawn());
    }

    @Test
    void withNoAgenciesToWaitForTheDrawHappensAtStart() throws IOException {
        // given
        storeHoldsWinners(Map.of(4L, List.of("1", "2")));
        central(0);

        // when
        AgencyWire wire = agency(4).send(new ResultsRequest(4));

        // then
        assertTrue(ledger.drawn());
        assertEquals(new Winners(true, List.of("1", "2")), wire.reply());
    }

    @Test
    void resentBatchIsAcknowledgedButNotStoredTwice() throws IOException {
        // given: agency 1 already has 2 bets stored (an earlier connection)
        when(store.countsAtOpen()).thenReturn(Map.of(1L, 2L));
        central(5, Map.of(), 100);
        AgencyWire wire = connect().send(new Hello(1, ""));
        assertEquals(new Welcome(1, 2), wire.reply());

        // when: it resends its first batch, then goes on
        wire.send(new BetBatch(1, 0, List.of(GOOD, GOOD)));
        wire.send(new BetBatch(1, 2, List.of(WINNER)));

        // then
        assertEquals(List.of(new BatchAck(0, 2), new BatchAck(2, 1)), wire.replies());
        verify(store, times(1)).append(anyList());
        verify(store).append(rowsOf(1, WINNER));
    }

    @Test
    void batchThatSkipsBetsIsRefused() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        wire.send(new BetBatch(1, 3, List.of(GOOD)));

        ErrorReply error = (ErrorReply) wire.reply();
        assertEquals(ErrorCode.OUT_OF_SEQUENCE, error.code());
        assertEquals(3, error.ref());
        verify(store, never()).append(anyList());
    }

    @Test
    void betsAfterFinishAreRefused() throws IOException {
        central(5);
        AgencyWire wire = agency(1);
        wire.send(new Finish(1, 0));
        assertInstanceOf(FinishAck.class, wire.reply());

        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        assertEquals(ErrorCode.BETS_AFTER_FINISH, ((ErrorReply) wire.reply()).code());
        verify(store, never()).append(anyList());
    }

    @Test
    void betsAfterTheDrawAreRefused() throws IOException {
        central(0);
        AgencyWire wire = agency(9);

        wire.send(new BetBatch(9, 0, List.of(GOOD)));

        assertEquals(ErrorCode.DRAW_CLOSED, ((ErrorReply) wire.reply()).code());
        verify(store, never()).append(anyList());
    }

    @Test
    void finishWithAnotherTotalThanStoredIsRefusedAndDoesNotCount() throws IOException {
        central(1);
        AgencyWire wire = agency(1);

        wire.send(new Finish(1, 10));

        assertEquals(ErrorCode.COUNT_MISMATCH, ((ErrorReply) wire.reply()).code());
        assertFalse(ledger.drawn());
    }

    @Test
    void storeFailureIsReportedAndNotAcknowledged() throws IOException {
        // given
        central(5);
        doThrow(new IOException("disk full")).when(store).append(anyList());
        AgencyWire wire = agency(1);

        // when
        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        // then: refused, and the position did not move
        assertEquals(ErrorCode.STORAGE_FAILURE, ((ErrorReply) wire.reply()).code());
        assertEquals(0, ledger.stored(1));
    }

    @Test
    void unknownMessageTypeGetsAnErrorAndCloses() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        wire.sendRaw(Unpooled.buffer().writeInt(1).writeByte(0x55));

        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void messageOnlyTheCentralSendsIsRefused() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        wire.send(new Welcome(1, 0));

        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void oversizeLengthHeaderGetsAnErrorAndCloses() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        wire.sendRaw(Unpooled.buffer().writeInt(8189));

        assertEquals(ErrorCode.FRAME_TOO_LONG, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void truncatedBatchGetsAnErrorAndClosesWithNothingStored() throws IOException {
        central(5);
        AgencyWire wire = agency(1);

        // a BETS payload that announces one bet and stops in its first name
        wire.sendRaw(Unpooled.buffer().writeInt(12).writeByte(0x02).writeInt(1).writeInt(0).writeShort(1)
                .writeByte(9));

        assertEquals(ErrorCode.MALFORMED_FRAME, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
        verify(store, never()).append(anyList());
    }

    @Test
    void frameLeftHalfwayIsClosedAfterTheIdleTimeout() throws IOException {
        // given: half a frame, then silence
        central(5);
        AgencyWire wire = agency(1);
        wire.sendRaw(Unpooled.buffer().writeInt(20).writeByte(0x02));

        // when
        wire.channel().advanceTimeBy(31, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        // then
        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void theIdleTimeoutCountsFromTheLastCompletedFrame() throws IOException {
        // given: a frame begun at 0 s, completed at 20 s together with the head of the next one
        central(5);
        AgencyWire wire = agency(1);
        var first = AgencyWire.frame(new BetBatch(1, 0, List.of(GOOD)));
        var second = AgencyWire.frame(new BetBatch(1, 1, List.of(GOOD)));
        wire.sendRaw(first.readRetainedSlice(5));
        wire.channel().advanceTimeBy(20, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();
        wire.sendRaw(Unpooled.wrappedBuffer(first, second.readRetainedSlice(5)));
        second.release();
        assertEquals(List.of(new BatchAck(0, 1)), wire.replies());

        // when: silence until 49 s, then until 51 s
        wire.channel().advanceTimeBy(29, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        // then: still open at 49 s (29 s after the progress), closed after 30 s
        assertTrue(wire.channel().isActive());
        assertEquals(List.of(), wire.replies());
        wire.channel().advanceTimeBy(2, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();
        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void agencyThatKeepsCompletingFramesIsNeverTimedOutEvenWhenAlwaysMidFrame() throws IOException {
        // given: every read ends in the middle of the next frame, for far longer than the timeout
        central(5);
        AgencyWire wire = agency(1);
        var one = AgencyWire.frame(new BetBatch(1, 0, List.of(GOOD)));
        byte[] bytes = new byte[one.readableBytes()];
        one.readBytes(bytes);
        one.release();
        wire.sendRaw(Unpooled.wrappedBuffer(bytes, 0, 5));
        for (int i = 1; i <= 10; i++) {
            wire.channel().advanceTimeBy(20, TimeUnit.SECONDS);
            wire.channel().runScheduledPendingTasks();
            var frame = AgencyWire.frame(new BetBatch(1, i, List.of(GOOD)));
            byte[] next = new byte[frame.readableBytes()];
            frame.readBytes(next);
            frame.release();
            // the rest of the previous frame, then the head of this one
            wire.sendRaw(Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes, 5, bytes.length - 5),
                    Unpooled.wrappedBuffer(next, 0, 5)));
            bytes = next;
        }

        // then: 200 s of steady progress, ten batches acknowledged, still connected
        assertEquals(10, wire.replies().stream().filter(BatchAck.class::isInstance).count());
        assertTrue(wire.channel().isActive());
    }

    @Test
    void connectionIsNotReadWhileManyOfItsBatchesWaitForStorageAndIsReadAgainAfter() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);

        // when: as many batches as make the connection pause
        for (int i = 0; i < AgencyConnection.PAUSE_AT; i++) {
            wire.send(new BetBatch(1, i, List.of(GOOD)));
        }

        // then: reading stops, nothing is answered yet
        assertFalse(wire.channel().config().isAutoRead());

        // when: the storage thread catches up
        storageThread.runPendingTasks();

        // then: every batch is acknowledged in order and reading resumes
        assertEquals(AgencyConnection.PAUSE_AT, wire.replies().stream().filter(BatchAck.class::isInstance).count());
        assertTrue(wire.channel().config().isAutoRead());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void connectionsPauseWhileAllWaitingBatchesTogetherAreOverTheBudget() throws IOException {
        // given: a budget of three waiting batches over all connections, and a storage thread that has not run
        when(store.countsAtOpen()).thenReturn(Map.of());
        EmbeddedChannel storageThread = new EmbeddedChannel();
        central(5, Map.of(), 100, storageThread.eventLoop(), 3);
        AgencyWire first = welcomedThrough(storageThread, 1);
        AgencyWire second = welcomedThrough(storageThread, 2);

        // when: two batches each, far below the per-connection limit
        first.send(new BetBatch(1, 0, List.of(GOOD)));
        first.send(new BetBatch(1, 1, List.of(GOOD)));
        assertTrue(first.channel().config().isAutoRead());
        second.send(new BetBatch(2, 0, List.of(GOOD)));

        // then: the connection that reached the budget stops being read; the first one is paused by its next batch
        assertFalse(second.channel().config().isAutoRead());
        assertTrue(first.channel().config().isAutoRead());
        first.send(new BetBatch(1, 2, List.of(GOOD)));
        assertFalse(first.channel().config().isAutoRead());

        // when: the storage thread catches up
        storageThread.runPendingTasks();

        // then: everything answered in order, and both are read again
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 1), new BatchAck(2, 1)), first.replies());
        assertEquals(List.of(new BatchAck(0, 1)), second.replies());
        assertTrue(first.channel().config().isAutoRead());
        assertTrue(second.channel().config().isAutoRead());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void batchesWaitingTogetherAreStoredWithOneAppendAndAnsweredInOrder() throws IOException {
        // given: two agencies whose batches wait, interleaved, for a storage thread that has not run yet
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire first = welcomedThrough(storageThread, 1);
        AgencyWire second = welcomedThrough(storageThread, 2);
        first.send(new BetBatch(1, 0, List.of(GOOD)));
        second.send(new BetBatch(2, 0, List.of(WINNER, GOOD)));
        first.send(new BetBatch(1, 1, List.of(WINNER)));
        second.send(new BetBatch(2, 2, List.of(GOOD)));
        first.send(new BetBatch(1, 2, List.of(GOOD, GOOD)));
        assertEquals(List.of(), first.replies());

        // when
        storageThread.runPendingTasks();

        // then: one append holding the five batches in arrival order, and each agency's answers in its own order
        verify(store, times(1)).append(argThat((List<CsvRows> batches) -> batches.stream()
                .map(rows -> rows.agency() + ":" + rows.bets().size()).toList()
                .equals(List.of("1:1", "2:2", "1:1", "2:1", "1:2"))));
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 1), new BatchAck(2, 2)), first.replies());
        assertEquals(List.of(new BatchAck(0, 2), new BatchAck(2, 1)), second.replies());
        assertEquals(4, ledger.stored(1));
        assertEquals(3, ledger.stored(2));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aGroupLargerThanOneAppendTakesIsSplitInOrder() throws IOException {
        // given: more waiting batches than one append carries
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);
        int batches = StorageDispatcher.MAX_GROUP + 3;
        List<Integer> appended = new ArrayList<>();
        org.mockito.Mockito.doAnswer(call -> appended.add(call.<List<CsvRows>>getArgument(0).size()))
                .when(store).append(anyList());
        for (int i = 0; i < batches; i++) {
            wire.send(new BetBatch(1, i, List.of(GOOD)));
            // read on, as the real loop does once the storage thread has caught up
            wire.channel().config().setAutoRead(true);
        }

        // when
        storageThread.runPendingTasks();

        // then
        assertEquals(List.of(StorageDispatcher.MAX_GROUP, 3), appended);
        List<Message> replies = wire.replies();
        assertEquals(batches, replies.size());
        for (int i = 0; i < batches; i++) {
            assertEquals(new BatchAck(i, 1), replies.get(i));
        }
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aFinishSentBehindWaitingBatchesFindsThemStored() throws IOException {
        // given: batches waiting for the storage thread
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);
        wire.send(new BetBatch(1, 0, List.of(GOOD)));
        wire.send(new BetBatch(1, 1, List.of(GOOD, WINNER)));

        // when: the FINISH overtakes nothing
        wire.send(new Finish(1, 3));
        storageThread.runPendingTasks();

        // then
        assertEquals(List.of(new BatchAck(0, 1), new BatchAck(1, 2), new FinishAck(1, 3)), wire.replies());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void batchesSentBehindAFinishInOneWriteAreRefusedAfterItAndNeverStored() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);

        // when: a batch, the FINISH for it, and one more batch, all before the storage thread runs
        wire.sendRaw(AgencyWire.frames(new BetBatch(1, 0, List.of(GOOD, WINNER)), new Finish(1, 2),
                new BetBatch(1, 2, List.of(GOOD))));
        storageThread.runPendingTasks();

        // then: the FINISH counts the bets before it, and the batch after it is refused as sent after the FINISH
        List<Message> replies = wire.replies();
        assertEquals(List.of(new BatchAck(0, 2), new FinishAck(1, 2)), replies.subList(0, 2));
        ErrorReply late = (ErrorReply) replies.get(2);
        assertEquals(ErrorCode.BETS_AFTER_FINISH, late.code());
        assertEquals(2, late.ref());
        assertEquals(3, replies.size());
        verify(store, times(1)).append(anyList());
        verify(store).append(rowsOf(1, GOOD, WINNER));
        assertEquals(2, ledger.stored(1));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aHelloIsAnsweredWithWhatWasStoredBeforeItNotWithBatchesSentAfterIt() throws IOException {
        // given: agency 1's batch waiting for the storage thread on one connection
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire first = welcomedThrough(storageThread);
        first.send(new BetBatch(1, 0, List.of(GOOD)));

        // when: a second connection of agency 1 pipelines HELLO and the next batch in one write
        AgencyWire second = connect();
        second.sendRaw(AgencyWire.frames(new Hello(1, ""), new BetBatch(1, 1, List.of(WINNER))));
        storageThread.runPendingTasks();

        // then: its WELCOME counts the batch received before its HELLO, and comes before its batch's ack
        assertEquals(List.of(new BatchAck(0, 1)), first.replies());
        assertEquals(List.of(new Welcome(1, 1), new BatchAck(1, 1)), second.replies());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void aBadFrameIsRefusedAfterTheAnswersToTheFramesBeforeIt() throws IOException {
        // given: a storage thread that has not run yet
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);

        // when: a good batch, then a frame with an unknown type, then another batch, in one write
        var bytes = AgencyWire.frames(new BetBatch(1, 0, List.of(GOOD)));
        bytes.writeBytes(new byte[] {0, 0, 0, 1, 0x40});
        var after = AgencyWire.frames(new BetBatch(1, 1, List.of(GOOD)));
        bytes.writeBytes(after);
        after.release();
        wire.sendRaw(bytes);
        assertFalse(wire.channel().config().isAutoRead(), "nothing more is read after a bad frame");
        storageThread.runPendingTasks();

        // then: the batch before the bad frame is acknowledged, then the ERROR, and the connection closes
        List<Message> replies = wire.replies();
        assertEquals(new BatchAck(0, 1), replies.get(0));
        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) replies.get(1)).code());
        assertEquals(2, replies.size());
        assertFalse(wire.channel().isActive());
        verify(store).append(rowsOf(1, GOOD));
        storageThread.finishAndReleaseAll();
    }

    @Test
    void refusalOfABadBatchComesAfterTheAnswersToEarlierBatches() throws IOException {
        // given: a storage thread that has not run yet, and a good batch waiting for it
        EmbeddedChannel storageThread = centralWithLaggingStorage();
        AgencyWire wire = welcomedThrough(storageThread);
        wire.send(new BetBatch(1, 0, List.of(GOOD)));

        // when: a bad batch follows; the refusal may not overtake the good batch's answer
        wire.send(new BetBatch(1, 1, List.of(BAD_DATE)));
        assertEquals(List.of(), wire.replies());
        storageThread.runPendingTasks();

        // then
        List<Message> replies = wire.replies();
        assertEquals(new BatchAck(0, 1), replies.get(0));
        assertEquals(ErrorCode.INVALID_BET, ((ErrorReply) replies.get(1)).code());
        storageThread.finishAndReleaseAll();
    }

    @Test
    void agencyWaitingForTheDrawIsNeverTimedOut() throws IOException {
        // given
        central(2);
        AgencyWire wire = agency(1);
        wire.send(new Finish(1, 0)).send(new ResultsRequest(1));
        assertEquals(List.of(new FinishAck(1, 0)), wire.replies());

        // when: an hour of silence
        wire.channel().advanceTimeBy(1, TimeUnit.HOURS);
        wire.channel().runScheduledPendingTasks();

        // then
        assertTrue(wire.channel().isActive());
        assertEquals(List.of(), wire.replies());
    }

    @Test
    void connectionThatNeverSaysHelloIsClosedAfterTheIdleTimeout() throws IOException {
        central(5);
        AgencyWire wire = connect();

        wire.channel().advanceTimeBy(31, TimeUnit.SECONDS);
        wire.channel().runScheduledPendingTasks();

        assertEquals(ErrorCode.IDLE_TIMEOUT, ((ErrorReply) wire.reply()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws IOException {
        // given
        when(store.countsAtOpen()).thenReturn(Map.of());
        central(5, Map.of(), 2);
        agency(1);
        agency(2);

        // when
        AgencyWire third = connect();

        // then
        assertEquals(ErrorCode.SERVER_BUSY, ((ErrorReply) third.reply()).code());
        assertFalse(third.channel().isActive());
    }

    @Test
    void waitingRequestOfAClosedConnectionIsForgotten() throws IOException {
        // given
        central(2);
        AgencyWire wire = agency(1);
        wire.send(new ResultsRequest(1));
        assertEquals(1, storage.parkedCount());

        // when
        wire.channel().close();
        wire.channel().runPendingTasks();

        // then
        assertEquals(0, storage.parkedCount());
    }

    @Test
    void everyMessageGetsItsReplyInOrderWhenSentTogether() throws IOException {
        // given: a whole conversation in one buffer, as a pipelining agency sends it
        central(1);
        AgencyWire wire = connect();
        var all = Unpooled.buffer();
        for (Message m : List.<Message>of(new Hello(1, ""), new BetBatch(1, 0, List.of(GOOD)),
                new BetBatch(1, 1, List.of(WINNER)), new Finish(1, 2), new ResultsRequest(1))) {
            var frame = AgencyWire.frame(m);
            all.writeBytes(frame);
            frame.release();
        }

        // when
        wire.sendRaw(all);

        // then
        assertEquals(List.of(new Welcome(1, 0), new BatchAck(0, 1), new BatchAck(1, 1), new FinishAck(1, 2),
                new Winners(true, List.of("00000042"))), wire.replies());
    }
}
