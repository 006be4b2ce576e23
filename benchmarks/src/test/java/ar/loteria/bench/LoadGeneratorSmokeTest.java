package ar.loteria.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny run of the load generator against the real central jar: it checks every agency's winners and the store
 * itself, so a passing run means the whole conversation worked; here we check it ran and reported its figures.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadGeneratorSmokeTest {

    @Test
    void tinyRunReportsEveryFigureAndEndsWithBetsPerSecond() throws Exception {
        // given: the central's jar, packaged before this module's tests
        Path jar = Path.of("..", "server", "target", "lottery-server.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: run `mvn -B verify`");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;

        // when
        int status;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            status = LoadGenerator.run(new String[] {"--server-jar", jar.toString(), "--agencies", "3",
                "--shape", "40,25,60", "--runs", "2", "--batch", "7"});
        } finally {
            System.setOut(original);
        }

        // then
        String output = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, output);
        assertTrue(output.contains("load: 3 agencies, 125 bets"), output);
        for (String figure : new String[] {"ingest s", "last winners s", "ack p99 ms", "draw ms", "server ready ms",
            "server peak RSS MB", "server threads"}) {
            assertTrue(output.contains(figure + " "), figure + " missing in\n" + output);
        }
        // one warm-up run by default, not among the counted ones; every run shows its progress and its CPU
        assertEquals(1, output.lines().filter(l -> l.startsWith("run 0 (warm-up")).count(), output);
        assertTrue(output.contains("(min "), output);
        assertTrue(output.contains("runs 2)"), output);
        assertEquals(3, output.lines().filter(l -> l.matches("run \\d bets acknowledged per 50 ms: [\\d ]+")).count(),
                output);
        assertEquals(3, output.lines().filter(l -> l.contains("of which since the agencies connected {")).count(),
                output);
        String[] lines = output.strip().split("\n");
        assertTrue(lines[lines.length - 1].matches("bets/s: \\d+"), lines[lines.length - 1]);
    }
}
