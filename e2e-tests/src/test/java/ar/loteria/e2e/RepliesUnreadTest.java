package ar.loteria.e2e;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.codec.WinningRule;
import ar.loteria.launch.JarProcess;
import ar.loteria.testkit.SocketAgency;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that ask and never read. After the draw, three connections each send HELLO and 10,000 RESULTS in one write
 * and never read a byte, to a central with a 128 MB heap. Every answer is a few kilobytes of winners, so the
 * unread replies would grow without bound: the central stops reading such a connection while its replies wait,
 * closes it once they pass its bound, and meanwhile keeps answering everybody else at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RepliesUnreadTest {

    private static final int WINNERS = 400;
    private static final int FLOODERS = 3;
    private static final int REQUESTS = 10_000;
    /** Generous: a 128 MB heap plus direct buffers, metaspace and threads stay well under it. */
    private static final long RSS_BOUND_BYTES = 450L << 20;

    @TempDir
    Path dir;

    private final Composition composition = new Composition(() -> dir, Duration.ofSeconds(60));
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
        composition.close();
    }

    private static List<Bet> bets() {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < 2 * WINNERS; i++) {
            bets.add(new Bet("Nombre", "Apellido", String.format("%08d", i), "1990-01-01",
                    i % 2 == 0 ? WinningRule.NUMBER : i));
        }
        return bets;
    }

    @Test
    void connectionsThatNeverReadTheirRepliesAreClosedAndEverybodyElseIsAnsweredAtOnce() throws Exception {
        // given: a drawn lottery whose only agency has 400 winners (about 3.6 kB per answer)
        JarProcess central = composition.server(1, Map.of("STATUS_PORT", "0"), "central.log",
                List.of("-Xmx128m"));
        int port = Integer.parseInt(Composition.awaitPort(central));
        List<Bet> bets = bets();
        List<String> documents = bets.stream().filter(bet -> WinningRule.wins(bet.number())).map(Bet::document)
                .toList();
        Winners expected = new Winners(true, documents);
        try (SocketAgency agency = new SocketAgency(port)) {
            assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());
            for (int first = 0; first < bets.size(); first += 100) {
                assertEquals(new BatchAck(first, 100), agency.send(new BetBatch(1, first,
                        bets.subList(first, first + 100))).receive());
            }
            assertEquals(new FinishAck(1, bets.size()), agency.send(new Finish(1, bets.size())).receive());
        }

        // and: how long an honest agency waits for its winners on this machine, before any flood
        long baseline = 0;
        for (int i = 0; i < 50; i++) {
            baseline = Math.max(baseline, honestRoundTrip(port, bets.size(), expected));
        }

        // when: the flood, from connections that never read
        Message[] flood = new Message[REQUESTS + 1];
        flood[0] = new Hello(1, "");
        Arrays.fill(flood, 1, flood.length, new ResultsRequest(1));
        List<SocketAgency> flooders = new ArrayList<>();
        for (int i = 0; i < FLOODERS; i++) {
            SocketAgency flooder = new SocketAgency(port);
            flooders.add(flooder);
            threads.submit(() -> {
                flooder.sendAll(flood);
                return null;
            });
        }

        // then: another agency asking meanwhile is answered within a second every time (on top of the slowest
        // answer before the flood, so that a busy machine's own pauses do not count against the central)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int asked = 0;
        long slowest = 0;
        while (System.nanoTime() < deadline) {
            slowest = Math.max(slowest, honestRoundTrip(port, bets.size(), expected));
            asked++;
        }
        assertTrue(slowest < 1_000 + baseline, "an honest agency waited " + slowest + " ms during the flood ("
                + baseline + " ms at most before it)");
        assertTrue(asked >= 5, "the honest agency was answered only " + asked + " times in 5 s");

        // and the flooders were closed, each with a line saying why, with the central's memory bounded
        central.awaitLog("action: responder \\| result: fail", Duration.ofSeconds(10));
        for (SocketAgency flooder : flooders) {
            flooder.setTimeoutMillis(10_000);
            assertTrue(flooder.closedAfterDraining(), "a connection that never reads is closed");
            flooder.close();
        }
        long rss = residentBytes(central.pid());
        assertTrue(rss < RSS_BOUND_BYTES, "central RSS " + (rss >> 20) + " MB after the flood");
        System.out.println("RepliesUnreadTest: honest agency answered " + asked + " times in 5 s, the slowest in "
                + slowest + " ms (" + baseline + " ms before the flood), central RSS " + (rss >> 20) + " MB");
        assertFalse(central.lines().stream().anyMatch(line -> line.contains("OutOfMemoryError")),
                String.join("\n", central.lines()));

        // and it stops cleanly
        central.terminate();
        assertEquals(0, central.awaitExit(Duration.ofSeconds(20)));
        assertTrue(central.shutdownLogged());
    }

    /** An agency that reads: HELLO and RESULTS on a new connection; returns how long the answers took, in ms. */
    private static long honestRoundTrip(int port, long stored, Winners expected) throws IOException {
        long started = System.nanoTime();
        try (SocketAgency honest = new SocketAgency(port)) {
            // Generous, so that a slow answer is reported with its time rather than as a timeout.
            honest.setTimeoutMillis(15_000);
            assertEquals(new Welcome(1, stored), honest.send(new Hello(1, "")).receive());
            assertEquals(expected, honest.send(new ResultsRequest(1)).receive());
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** VmRSS of a process, from /proc. */
    private static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
