package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.StatusSettings;
import ar.loteria.central.status.Readiness;
import ar.loteria.central.status.StatusPortException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static ar.loteria.testkit.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real central with its status port on loopback, asked over HTTP while agencies use the bets port. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusPortTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<CentralServer> servers = new ArrayList<>();

    private CentralServer start(int agencies, int statusPort) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies,
                dir.resolve("bets.csv"), 1000, Duration.ofSeconds(30), Map.of())
                .withStatus(new StatusSettings(statusPort, "127.0.0.1", null));
        CentralServer server = new CentralServer(config, null, 2, Ledgers.opener(config));
        servers.add(server);
        server.start();
        return server;
    }

    @AfterEach
    void stop() {
        servers.forEach(CentralServer::close);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private HttpResponse<String> get(CentralServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.statusPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Bet bet(int i, int number) {
        return new Bet("Nombre " + i, "Apellido", String.format("%08d", i), "1990-01-01", number);
    }

    @Test
    void theStatusPortShowsTheDrawAndItsMetricsMatchTheStore() throws Exception {
        // given
        CentralServer server = start(1, freePort());
        assertEquals(200, get(server, "/ready").statusCode());

        // when: one agency stores two batches and finishes
        try (SocketAgency agency = new SocketAgency(server.port())) {
            assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());
            agency.send(new BetBatch(1, 0, List.of(bet(1, 7574), bet(2, 1), bet(3, 2))));
            assertEquals(new BatchAck(0, 3), agency.receive());
            agency.send(new BetBatch(1, 3, List.of(bet(4, 7574))));
            assertEquals(new BatchAck(3, 1), agency.receive());
            assertEquals(new FinishAck(1, 4), agency.send(new Finish(1, 4)).receive());
            agency.send(new ResultsRequest(1));
            assertEquals(new Winners(true, List.of("00000001", "00000004")), agency.receive());

            // then: within a few publications the status says so, with no document anywhere
            String status = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!status.contains("\"drawn\":true") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                status = get(server, "/status.json").body();
            }
            assertTrue(status.contains("\"agencies\":[{\"agency\":1,\"connections\":1,\"betsStored\":4,"
                    + "\"finished\":true,\"winners\":2}]"), status);
            assertFalse(status.contains("00000001"), "no document in the status");
        }
        String metrics = get(server, "/metrics").body();
        long rows = Files.readAllLines(dir.resolve("bets.csv")).size();
        assertEquals(rows, (long) sample(metrics, "lottery_bets_stored_total"));
        assertEquals(2.0, sample(metrics, "lottery_batches_total"));
        assertEquals(1.0, sample(metrics, "lottery_draw_completed"));
        assertEquals(Files.size(dir.resolve("bets.csv")), (long) sample(metrics, "lottery_store_bytes"));
        assertFalse(metrics.contains("Nombre"), "no name in the metrics");
    }

    @Test
    void badHttpOnTheStatusPortLeavesTheBetsPortServing() throws Exception {
        // given: connections that send junk, half a head, or hold headers back
        CentralServer server = start(1, freePort());
        List<Socket> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket("127.0.0.1", server.statusPort());
                attackers.add(socket);
                OutputStream out = socket.getOutputStream();
                out.write((i % 2 == 0 ? "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " : "\u0000\u0001garbage\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }

            // when: an agency goes through a whole draw meanwhile
            try (SocketAgency agency = new SocketAgency(server.port())) {
                assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());
                agency.send(new BetBatch(1, 0, List.of(bet(1, 7574))));
                assertEquals(new BatchAck(0, 1), agency.receive());
                assertEquals(new FinishAck(1, 1), agency.send(new Finish(1, 1)).receive());
                agency.send(new ResultsRequest(1));

                // then
                assertEquals(new Winners(true, List.of("00000001")), agency.receive());
            }
            // the junk got its 400 and a close; the status port still answers others
            Socket junk = attackers.get(1);
            junk.setSoTimeout(5_000);
            String answer = new String(junk.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertEquals(200, get(server, "/health").statusCode());
        } finally {
            for (Socket socket : attackers) {
                socket.close();
            }
        }
    }

    @Test
    void healthAndReadyAnswerWithinASecondWhateverThePagesViewersDo() throws Exception {
        // given: 4 clients asking for /status.json in a loop on their keep-alive connections, 64 pages watching the
        // events (more than are served), and 40 connections that send half a request and wait
        CentralServer server = start(1, freePort());
        List<Socket> crowd = new ArrayList<>();
        AtomicBoolean over = new AtomicBoolean();
        AtomicLong answered = new AtomicLong();
        List<Thread> askers = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket asker = open(server, crowd);
                askers.add(new Thread(() -> askInALoop(asker, over, answered), "status-json-asker-" + i));
            }
            int streams = 0;
            for (int i = 0; i < 64; i++) {
                Socket page = open(server, crowd);
                send(page, "GET /events HTTP/1.1\r\nHost: x\r\n\r\n");
                String status = statusLine(page, Duration.ofSeconds(5));
                streams += status.equals("HTTP/1.1 200 OK") ? 1 : 0;
                assertTrue(status.equals("HTTP/1.1 200 OK") || status.equals("HTTP/1.1 503 Service Unavailable"),
                        status);
            }
            for (int i = 0; i < 40; i++) {
                send(open(server, crowd), "GET /status.json HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            }
            askers.forEach(Thread::start);
            // The places of the reserve the crowd took are free again within its deadline.
            Thread.sleep(1_200);

            // when / then: every probe, on a connection of its own as an orchestrator's, is answered within 1 s
            for (int probe = 0; probe < 20; probe++) {
                for (String path : List.of("/health", "/ready")) {
                    long started = System.nanoTime();
                    try (Socket socket = new Socket("127.0.0.1", server.statusPort())) {
                        send(socket, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertEquals("HTTP/1.1 200 OK", statusLine(socket, Duration.ofSeconds(1)), path);
                    }
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    assertTrue(millis < 1_000, path + " took " + millis + " ms");
                }
            }
            assertEquals(48, streams, "the page's viewers have a limit of their own");
            assertTrue(answered.get() > 0, "the /status.json loops were served meanwhile");
        } finally {
            over.set(true);
            for (Socket socket : crowd) {
                socket.close();
            }
            for (Thread thread : askers) {
                if (thread.isAlive()) {
                    thread.join(5_000);
                }
            }
        }
    }

    @Test
    void aClientThatAsksAgainAndAgainWithoutReadingIsClosedAndHealthStillAnswers() throws Exception {
        // given: a central, and a client that pipelines 20,000 requests for /status.json and reads nothing
        CentralServer server = start(1, freePort());
        byte[] requests = "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n".repeat(20_000)
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket flooder = new Socket("127.0.0.1", server.statusPort())) {
            Thread writer = new Thread(() -> {
                try {
                    flooder.getOutputStream().write(requests);
                } catch (IOException e) {
                    // closed by the central before the last bytes went out
                }
            }, "status-flooder");
            writer.start();

            // when / then: health checks are answered within 1 s meanwhile
            for (int probe = 0; probe < 10; probe++) {
                long started = System.nanoTime();
                try (Socket socket = new Socket("127.0.0.1", server.statusPort())) {
                    send(socket, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals("HTTP/1.1 200 OK", statusLine(socket, Duration.ofSeconds(1)));
                }
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(1));
                Thread.sleep(20);
            }
            writer.join(5_000);

            // and the flooder is closed once its unread answers pass the write buffer's bound: what it can read
            // then ends, far short of 20,000 answers
            flooder.setSoTimeout(5_000);
            String answers = new String(flooder.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int count = answers.split("HTTP/1.1 200 OK", -1).length - 1;
            assertTrue(count > 0 && count < 20_000, count + " answers");
        }
    }

    private static Socket open(CentralServer server, List<Socket> owned) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.statusPort());
        owned.add(socket);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The status line of the next response, read within {@code timeout}. */
    private static String statusLine(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        StringBuilder line = new StringBuilder();
        InputStream in = socket.getInputStream();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    /** Asks for /status.json on one keep-alive connection until {@code over}, reading each whole response. */
    private static void askInALoop(Socket socket, AtomicBoolean over, AtomicLong answered) {
        try {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            while (!over.get()) {
                send(socket, "GET /status.json HTTP/1.1\r\nHost: x\r\n\r\n");
                long length = -1;
                for (String header = headerLine(in); !header.isEmpty(); header = headerLine(in)) {
                    if (header.toLowerCase().startsWith("content-length:")) {
                        length = Long.parseLong(header.substring("content-length:".length()).strip());
                    }
                }
                if (length < 0) {
                    return;
                }
                in.skipNBytes(length);
                answered.incrementAndGet();
            }
        } catch (IOException e) {
            // the test closed the socket
        }
    }

    private static String headerLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed");
            }
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @Test
    void aStatusPortInUseStopsTheStartBeforeTheStoreIsOpenedAndLeavesNothingRunning() throws Exception {
        // given
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // when
            StatusPortException refused = assertThrows(StatusPortException.class,
                    () -> start(1, taken.getLocalPort()));

            // then
            assertTrue(refused.getMessage().startsWith("STATUS_PORT " + taken.getLocalPort() + " on 127.0.0.1 cannot"
                    + " be bound"), refused.getMessage());
            assertFalse(Files.exists(dir.resolve("bets.csv")), "the store was not opened");
            assertEquals(Readiness.STOPPING, servers.get(0).readiness());
            assertEquals(0, statusThreadsAfterAWhile(0), "the status port's thread was left running");
        }
    }

    @Test
    void closingTheCentralClosesTheStatusPortAndItsEventStreams() throws Exception {
        // given: a page's event stream open
        CentralServer server = start(1, freePort());
        int statusPort = server.statusPort();
        try (Socket events = new Socket("127.0.0.1", statusPort); LogCapture log = LogCapture.attach()) {
            events.getOutputStream().write("GET /events HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            events.setSoTimeout(5_000);
            InputStream in = events.getInputStream();
            byte[] head = new byte[17];
            assertEquals(17, in.readNBytes(head, 0, 17));
            assertEquals("HTTP/1.1 200 OK\r\n", new String(head, StandardCharsets.US_ASCII));

            // the port has an event loop of its own, not one of the bets'
            assertEquals(1, statusThreadsAfterAWhile(1));

            // when
            server.close();

            // then: the stream ends, the port and its thread are closed, and the closing is logged
            assertEquals(0, statusThreadsAfterAWhile(0), "the status port's thread outlived the central");
            while (in.read() >= 0) {
                // the events sent before the close
            }
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", statusPort).close());
            assertEquals(1, log.matching("action: close_status_listener | result: success | conexiones: 1").size(),
                    log.lines().toString());
        }
    }

    /** Live threads of a status port, once their number is {@code expected} or after 2 s. */
    private static long statusThreadsAfterAWhile(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (true) {
            long live = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.isAlive() && thread.getName().startsWith("central-status")).count();
            if (live == expected || System.nanoTime() > deadline) {
                return live;
            }
            Thread.sleep(20);
        }
    }
}
