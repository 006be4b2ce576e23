package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real central on a loopback port for the {@code Live*Test} classes, which attack it over real sockets with
 * every kind of bad input of the hardening issue. Each attack must get the ERROR of {@code docs/PROTOCOL.md}
 * section 5 and its log line, close the connection exactly when the protocol says so, leave a healthy agency (agency
 * 1, parked on RESULTS before the draw) unaffected, and leave in the store exactly the acknowledged bets, read back
 * with {@link StoreRows}. Keeps the bets the central acknowledged, per agency, and captures the log.
 *
 * <p>A JUnit extension, one per test: {@code @RegisterExtension final LiveCentral central = new LiveCentral();}.
 * Before each test it makes a temporary directory for the store and starts capturing the log; after it, it closes
 * every socket and central it opened, stops the capture and deletes the directory. Test thread only (sockets may be
 * opened from other threads).
 */
final class LiveCentral implements BeforeEachCallback, AfterEachCallback {

    static final Duration IDLE = Duration.ofSeconds(2);
    static final Duration LOG_WAIT = Duration.ofSeconds(5);
    /** The healthy agency that finishes first and waits for the draw. */
    static final long PARKED = 1;
    /** The agency whose bets make the draw; attacks speak for it. */
    static final long OTHER = 2;

    private Path dir;
    private LogCapture log;
    private final List<CentralServer> servers = new ArrayList<>();
    private final List<SocketAgency> sockets = Collections.synchronizedList(new ArrayList<>());
    /** Every bet the central acknowledged as newly stored, per agency, in order. */
    private final Map<Long, List<Bet>> acknowledged = new LinkedHashMap<>();
    private CentralServer server;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("live-central");
        log = LogCapture.attach();
    }

    /** A central for two agencies, at most 100 connections, the short idle timeout. */
    void start() throws Exception {
        start(2, 100, IDLE);
    }

    void start(int agencies, int maxConnections, Duration idle) throws Exception {
        start(agencies, maxConnections, idle, Map.of());
    }

    void start(int agencies, int maxConnections, Duration idle, Map<Long, String> tokens) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies, store(),
                maxConnections, idle, tokens);
        server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        servers.add(server);
    }

    /** A central for {@code agencies} agencies whose betting closes as {@code close} says. */
    void startClosing(int agencies, CloseSettings close) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies, store(), 100, IDLE,
                Map.of()).withClose(close);
        server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        servers.add(server);
    }

    Path store() {
        return dir.resolve("bets.csv");
    }

    LogCapture log() {
        return log;
    }

    /** A new connection, closed with this central. Any thread. */
    SocketAgency connect() throws IOException {
        SocketAgency socket = new SocketAgency(server.port());
        sockets.add(socket);
        return socket;
    }

    /** Connects and says HELLO; WELCOME must report exactly the bets acknowledged so far. */
    SocketAgency hello(long agency) throws IOException {
        SocketAgency socket = connect();
        assertEquals(new Welcome(agency, stored(agency)), socket.send(new Hello(agency, "")).receive());
        return socket;
    }

    /** Bets of {@code agency} acknowledged so far. */
    long stored(long agency) {
        return acknowledged(agency).size();
    }

    List<Bet> acknowledged(long agency) {
        return acknowledged.getOrDefault(agency, List.of());
    }

    /** Says which bets of {@code agency} the central holds, as learned from a WELCOME after a crash. */
    void acknowledgedAre(long agency, List<Bet> bets) {
        acknowledged.put(agency, new ArrayList<>(bets));
    }

    /** Sends a batch at the agency's next position; it must be acknowledged. */
    void sendAcknowledged(SocketAgency socket, long agency, List<Bet> bets) throws IOException {
        long first = stored(agency);
        assertEquals(new BatchAck(first, bets.size()), socket.send(new BetBatch(agency, first, bets)).receive());
        acknowledged.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(bets);
    }

    /** A valid bet of {@code agency}, its document made of the agency and {@code i}. */
    static Bet bet(long agency, int i, int number) {
        return new Bet("Nombre" + i, "Apellido" + agency, String.format("%08d", agency * 1000 + i), "1990-01-01",
                number);
    }

    /** The agency's next {@code count} bets, every other one on the winning number. */
    List<Bet> bets(long agency, int count) {
        List<Bet> bets = new ArrayList<>();
        int from = (int) stored(agency);
        for (int i = from; i < from + count; i++) {
            bets.add(bet(agency, i, i % 2 == 0 ? 7574 : i));
        }
        return bets;
    }

    List<String> winnersOf(long agency) {
        return acknowledged(agency).stream().filter(b -> b.number() == 7574).map(Bet::document).toList();
    }

    /** Agency 1 sends its bets, finishes and asks for its winners before the draw: it is parked. */
    SocketAgency parkedAgency() throws IOException {
        SocketAgency parked = hello(PARKED);
        sendAcknowledged(parked, PARKED, bets(PARKED, 3));
        assertEquals(new FinishAck(PARKED, 3), parked.send(new Finish(PARKED, 3)).receive());
        parked.send(new ResultsRequest(PARKED));
        return parked;
    }

    /**
     * Agency 2 (on {@code socket}, or a new connection) sends a batch and finishes, which draws; it and the parked
     * agency get their winners, and the store holds exactly the acknowledged bets.
     */
    void otherAgencyCompletes(SocketAgency parked, SocketAgency socket) throws Exception {
        assertEquals(0, parked.available(), "the parked agency got nothing before the draw");
        SocketAgency other = socket != null ? socket : hello(OTHER);
        sendAcknowledged(other, OTHER, bets(OTHER, 2));
        long total = stored(OTHER);
        assertEquals(new FinishAck(OTHER, total), other.send(new Finish(OTHER, total)).receive());
        assertEquals(new Winners(true, winnersOf(OTHER)), other.send(new ResultsRequest(OTHER)).receive());
        assertEquals(new Winners(true, winnersOf(PARKED)), parked.receive());
        assertEquals(1, log.matching("action: sorteo | result: success").size(), "one draw");
        assertStoreHoldsExactlyTheAcknowledgedBets();
    }

    void assertStoreHoldsExactlyTheAcknowledgedBets() throws IOException {
        assertEquals(StoreRows.rowsOf(acknowledged), StoreRows.byAgency(store()));
        String text = Files.readString(store(), StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\r\n"), "the file ends on a whole row");
    }

    static void assertClosed(SocketAgency socket) throws IOException {
        assertTrue(socket.closedOrReset(), "the central closed the connection");
    }

    /** Waits up to 5 s until the central counts {@code expected} open connections. */
    void awaitOpenConnections(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, server.openConnections());
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (SocketAgency socket : sockets) {
            socket.close();
        }
        servers.forEach(CentralServer::close);
        log.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
