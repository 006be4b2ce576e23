package ar.loteria.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The crash soak of {@code make soak} ({@code ar.loteria.soak.CrashSoak}), short: three agency jars stream while
 * the central's jar is killed with SIGKILL three times in the middle of the ingest and started again on the same
 * store, with a torn row left in the store before every start. The soak checks every agency's exit and winners,
 * every acknowledged bet against the store at each kill, the store against the inputs (each bet once, in order,
 * no torn row left), and each central's draw and repair lines; here we check that it passed and did what it says.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CentralCrashSoakTest {

    private static final int CYCLES = 3;

    @TempDir
    Path dir;

    @Test
    void threeKillsMidIngestLoseNothingAcknowledgedStoreNothingTwiceAndEndInOneDraw() {
        // given: each kill as soon as the store has grown by a drawn amount of up to 16 kB (15 s is a fallback);
        // agency 1 has few bets, finishes early and waits for the draw while the others stream
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        // when
        int status = CrashSoak.run(out, "--server-jar", System.getProperty("lottery.serverJar"), "--client-jar",
                System.getProperty("lottery.clientJar"), "--cycles", String.valueOf(CYCLES), "--agencies", "3",
                "--bets", "50,10000,10000", "--winners", "3", "--batch", "1,2,3", "--seed", "13",
                "--min-delay-ms", "15000", "--max-delay-ms", "15000", "--max-growth-kb", "16", "--torn-rows", "100",
                "--early-kills", "0",
                "--jvm-opts", "-Xmx128m -XX:TieredStopAtLevel=1", "--timeout-s", "100",
                "--work", dir.resolve("soak").toString());

        // then
        String output = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(output);
        assertEquals(0, status, output);
        List<String> lines = output.lines().toList();
        assertEquals("soak: PASS", lines.get(lines.size() - 1), output);
        assertTrue(lines.contains("cycles: 3 of 3"), output);
        // every kill came after the killed central had stored bets of its own: in the middle of the ingest
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("kills: 3 (SIGKILL; 3 after the killed central had "
                + "stored bets; 3 as the store grew")), output);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("restarts: 3 ")), output);
        // a torn row before every start, each cut by that start
        assertTrue(lines.stream().anyMatch(l -> l.matches("torn rows repaired: 3 \\(\\d+ left by kills, 3 written "
                + "by the soak; [\\d,]+ bytes cut\\)")), output);
        assertTrue(lines.stream().anyMatch(l -> l.matches("acks checked: [\\d,]+ batch_ack lines for [\\d,]+ bets, "
                + "each within the store at the next kill")), output);
        assertTrue(lines.contains("bets checked: 20,050 (the store holds each agency's input exactly once, in order)"),
                output);
        assertTrue(lines.contains("draws: 1"), output);
        assertTrue(lines.stream().anyMatch(l -> l.matches("agency reconnects: [1-9]\\d* after a lost connection, .*")),
                output);
    }
}
