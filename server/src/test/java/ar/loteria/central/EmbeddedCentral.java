package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.ledger.csv.BetStore;
import ar.loteria.central.ledger.csv.CsvLedger;
import ar.loteria.central.ledger.csv.RenderedRows;
import ar.loteria.codec.Bet;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import ch.qos.logback.classic.Level;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The central's real pipeline ({@link CentralInitializer}) for the {@code Pipeline*Test} classes: each connection an
 * {@link EmbeddedChannel} played by an {@link EmbeddedPeer}, behind a real {@link StorageDispatcher} and
 * {@link CsvLedger} over a mocked {@link BetStore}. The storage executor is an immediate one, so tests run
 * synchronously, or an embedded channel's loop that runs only when the test says so. A JUnit extension that
 * releases every connection's buffers after each test:
 * {@code @RegisterExtension final EmbeddedCentral central = new EmbeddedCentral();}. Test thread only.
 */
final class EmbeddedCentral implements AfterEachCallback {

    static final Bet GOOD = new Bet("Ana", "Lorca", "30904465", "1999-03-17", 2201);
    static final Bet WINNER = new Bet("Juan", "Pérez", "00000042", "1980-01-01", 7574);
    static final Bet BAD_DATE = new Bet("Eva", "Díaz", "123", "2023-02-30", 1);

    private final BetStore store = mock(BetStore.class);
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<EmbeddedPeer> peers = new ArrayList<>();
    private CsvLedger ledger;
    private StorageDispatcher storage;
    private CentralInitializer initializer;

    /** A central waiting for {@code agencies}, over an empty store, storing at once. */
    void start(int agencies) throws IOException {
        when(store.countsAtOpen()).thenReturn(Map.of());
        start(agencies, Map.of(), 100);
    }

    /** A central storing at once; the test has set what the store holds at open. */
    void start(int agencies, Map<Long, String> tokens, int maxConnections) throws IOException {
        start(agencies, tokens, maxConnections, ImmediateEventExecutor.INSTANCE, StorageDispatcher.defaultMaxQueued());
    }

    /** A central whose storage work runs on {@code storage}, with a budget of {@code maxQueued} waiting batches. */
    void start(int agencies, Map<Long, String> tokens, int maxConnections, EventExecutor storage, int maxQueued)
            throws IOException {
        ServerConfig config = new ServerConfig(0, "server", 5, "INFO", Level.INFO, agencies, Path.of("unused.csv"),
                maxConnections, Duration.ofSeconds(30), tokens);
        ledger = Dispatchers.ledger(store, agencies);
        this.storage = Dispatchers.on(storage, ledger, maxQueued);
        initializer = new CentralInitializer(config, this.storage, channels, null);
    }

    /**
     * A central over an empty store whose storage thread runs only when the test says so (another embedded
     * channel's loop queues its tasks). Returns that storage thread; the test finishes it.
     */
    EmbeddedChannel startWithLaggingStorage() throws IOException {
        when(store.countsAtOpen()).thenReturn(Map.of());
        EmbeddedChannel storageThread = new EmbeddedChannel();
        start(5, Map.of(), 100, storageThread.eventLoop(), StorageDispatcher.defaultMaxQueued());
        return storageThread;
    }

    /** A new connection, nothing said yet. */
    EmbeddedPeer connect() {
        EmbeddedPeer peer = new EmbeddedPeer(new EmbeddedChannel(initializer));
        peers.add(peer);
        return peer;
    }

    /** A new connection of agency {@code id}, welcomed. */
    EmbeddedPeer agency(long id) {
        EmbeddedPeer peer = connect();
        peer.send(new Hello(id, ""));
        assertInstanceOf(Welcome.class, peer.receive());
        return peer;
    }

    /** A new connection of agency 1, welcomed once {@code storageThread} has run. */
    EmbeddedPeer welcomedThrough(EmbeddedChannel storageThread) {
        return welcomedThrough(storageThread, 1);
    }

    /** A new connection of {@code agency}, welcomed once {@code storageThread} has run. */
    EmbeddedPeer welcomedThrough(EmbeddedChannel storageThread, long agency) {
        EmbeddedPeer peer = connect();
        peer.send(new Hello(agency, ""));
        storageThread.runPendingTasks();
        assertInstanceOf(Welcome.class, peer.receive());
        return peer;
    }

    /** The mocked store held these winners when it was opened: reading it from the start reports them. */
    @SuppressWarnings("unchecked")
    void storeHoldsWinners(Map<Long, List<String>> winners) throws IOException {
        doAnswer(call -> {
            winners.forEach((agency, documents) -> ((Map<Long, List<String>>) call.getArgument(0))
                    .computeIfAbsent(agency, a -> new ArrayList<>()).addAll(documents));
            return null;
        }).when(store).winningDocuments(any());
    }

    /** Matches one append of the rows of exactly these bets of {@code agency}, rendered as the store writes them. */
    static List<RenderedRows> rowsOf(long agency, Bet... bets) {
        byte[] expected = RenderedRows.render(agency, List.of(bets)).bytes();
        return argThat(batches -> batches.size() == 1 && Arrays.equals(batches.get(0).bytes(), expected));
    }

    /** Each appended batch as {@code agency:bets}, read back from its rows. */
    static List<String> agencyAndCount(List<RenderedRows> batches) {
        List<String> described = new ArrayList<>();
        for (RenderedRows rows : batches) {
            List<List<String>> parsed = StoreRows.parse(new String(rows.bytes(), StandardCharsets.UTF_8), "append");
            described.add(parsed.get(0).get(0) + ":" + parsed.size());
        }
        return described;
    }

    BetStore store() {
        return store;
    }

    CsvLedger ledger() {
        return ledger;
    }

    StorageDispatcher storage() {
        return storage;
    }

    /** Releases every connection's buffers. */
    @Override
    public void afterEach(ExtensionContext context) {
        peers.forEach(EmbeddedPeer::finish);
    }
}
