package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.ServerConfig;
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
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agencies written from docs/PROTOCOL.md alone, as strangers write them: each sends its whole conversation in one
 * write without waiting for any reply (HELLO, a batch, FINISH, and one batch too many), on a real central, many at
 * once, and in some rounds while another agency streams thousands of batches. The protocol promises arrival order
 * per connection: every agency gets exactly the documented replies, in order, and the store holds exactly the bets
 * sent before each FINISH.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipeliningAgencyTest {

    private static final int ROUNDS = 8;
    private static final int PIPELINING = 20;
    private static final int BEFORE_FINISH = 10;
    private static final int AFTER_FINISH = 5;
    /** The streaming agency, when there is one: it keeps a full window of batches in flight all along. */
    private static final long STREAMER = 99;
    private static final int STREAMER_BATCHES = 1_500;
    private static final int STREAMER_BATCH = 20;

    @TempDir
    Path dir;

    private final List<CentralServer> servers = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** Thousands of batch lines per round would drown the build's output; the refusals still show. */
    private final Logger central = (Logger) LoggerFactory.getLogger("ar.loteria.central");
    private final Level level = central.getLevel();

    @BeforeEach
    void quiet() {
        central.setLevel(Level.WARN);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        servers.forEach(CentralServer::close);
        central.setLevel(level);
    }

    private static Bet bet(long agency, int position) {
        int number = position % 40 == 1 ? WinningRule.NUMBER : position % 7000;
        return new Bet("Ana", "Paz", String.format("%03d%05d", agency, position), "1990-01-01", number);
    }

    private static List<Bet> bets(long agency, int from, int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            bets.add(bet(agency, i));
        }
        return bets;
    }

    private static List<String> winnersAmong(List<Bet> bets) {
        return bets.stream().filter(bet -> WinningRule.wins(bet.number())).map(Bet::document).toList();
    }

    @ParameterizedTest(name = "another agency streaming: {0}")
    @ValueSource(booleans = {false, true})
    void pipelinedConversationsGetTheDocumentedRepliesInOrderAndStoreOnlyTheBetsBeforeFinish(boolean streaming)
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            // given: a central waiting for every pipelining agency (and the streamer, when there is one)
            Path store = dir.resolve("round-" + round + "-" + streaming + ".csv");
            CentralServer server = start(PIPELINING + (streaming ? 1 : 0), store);
            CountDownLatch go = new CountDownLatch(1);
            Future<List<Bet>> streamer = streaming ? threads.submit(() -> stream(server.port(), go)) : null;

            // when: every agency writes its whole conversation at once
            List<Future<?>> agencies = new ArrayList<>();
            for (long agency = 1; agency <= PIPELINING; agency++) {
                long id = agency;
                agencies.add(threads.submit(() -> {
                    pipelineAndCheck(server.port(), id, go);
                    return null;
                }));
            }
            if (streamer == null) {
                go.countDown();
            }

            // then: each got its replies in order (checked in pipelineAndCheck) and the store holds exactly the
            // bets each agency sent before its FINISH
            List<Bet> streamed = streamer == null ? null : streamer.get(60, TimeUnit.SECONDS);
            awaitAll(agencies);
            Map<Long, List<Bet>> expected = new LinkedHashMap<>();
            for (long agency = 1; agency <= PIPELINING; agency++) {
                expected.put(agency, bets(agency, 0, BEFORE_FINISH));
            }
            if (streamed != null) {
                expected.put(STREAMER, streamed);
            }
            server.close();
            assertEquals(StoreRows.rowsOf(expected), StoreRows.byAgency(store), "round " + round);
        }
    }

    /**
     * Waits for every agency; when some failed, reports a wrong reply before a timeout, since an agency that got a
     * wrong reply usually leaves the others waiting for a draw that cannot come.
     */
    private static void awaitAll(List<Future<?>> agencies) throws Exception {
        AssertionError wrongReply = null;
        Exception other = null;
        for (Future<?> agency : agencies) {
            try {
                agency.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof AssertionError assertion && wrongReply == null) {
                    wrongReply = assertion;
                } else if (other == null) {
                    other = e;
                }
            }
        }
        if (wrongReply != null) {
            throw wrongReply;
        }
        if (other != null) {
            throw other;
        }
    }

    private void pipelineAndCheck(int port, long agency, CountDownLatch go) throws Exception {
        try (SocketAgency socket = new SocketAgency(port)) {
            go.await();
            List<Bet> before = bets(agency, 0, BEFORE_FINISH);
            socket.sendAll(new Hello(agency, ""), new BetBatch(agency, 0, before), new Finish(agency, BEFORE_FINISH),
                    new BetBatch(agency, BEFORE_FINISH, bets(agency, BEFORE_FINISH, AFTER_FINISH)));
            String who = "agency " + agency;
            assertEquals(new Welcome(agency, 0), socket.receive(), who);
            assertEquals(new BatchAck(0, BEFORE_FINISH), socket.receive(), who);
            assertEquals(new FinishAck(agency, BEFORE_FINISH), socket.receive(), who);
            // refused as sent after its FINISH; or, for the agency whose FINISH made the draw, after the draw
            Message late = socket.receive();
            ErrorCode code = late instanceof ErrorReply error ? error.code() : null;
            assertTrue(code == ErrorCode.BETS_AFTER_FINISH || code == ErrorCode.DRAW_CLOSED, who + " got " + late);
            assertEquals(BEFORE_FINISH, ((ErrorReply) late).ref(), who);
            // once everybody has finished, its own winners, and nothing of the refused batch
            assertEquals(new Winners(true, winnersAmong(before)), socket.send(new ResultsRequest(agency)).receive(),
                    who);
        }
    }

    /** Streams batches with a full window in flight, then finishes and asks for its winners; returns its bets. */
    private List<Bet> stream(int port, CountDownLatch go) throws Exception {
        List<Bet> sent = new ArrayList<>();
        try (SocketAgency socket = new SocketAgency(port)) {
            assertEquals(new Welcome(STREAMER, 0), socket.send(new Hello(STREAMER, "")).receive());
            int window = AgencyConnection.PAUSE_AT;
            int acked = 0;
            for (int batch = 0; batch < STREAMER_BATCHES; batch++) {
                if (batch == window) {
                    // the others start once the storage thread is busy with this agency's batches
                    go.countDown();
                }
                List<Bet> bets = bets(STREAMER, batch * STREAMER_BATCH, STREAMER_BATCH);
                socket.send(new BetBatch(STREAMER, (long) batch * STREAMER_BATCH, bets));
                sent.addAll(bets);
                if (batch + 1 - acked >= window) {
                    assertEquals(new BatchAck((long) acked * STREAMER_BATCH, STREAMER_BATCH), socket.receive());
                    acked++;
                }
            }
            for (; acked < STREAMER_BATCHES; acked++) {
                assertEquals(new BatchAck((long) acked * STREAMER_BATCH, STREAMER_BATCH), socket.receive());
            }
            assertEquals(new FinishAck(STREAMER, sent.size()), socket.send(new Finish(STREAMER, sent.size()))
                    .receive());
            assertEquals(new Winners(true, winnersAmong(sent)), socket.send(new ResultsRequest(STREAMER)).receive());
        }
        return sent;
    }

    private CentralServer start(int agencies, Path store) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "WARN", Level.WARN, agencies, store, 1000,
                Duration.ofSeconds(30), Map.of());
        CentralServer server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        servers.add(server);
        return server;
    }
}
