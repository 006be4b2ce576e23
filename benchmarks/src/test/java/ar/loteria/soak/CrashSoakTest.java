package ar.loteria.soak;

import ar.loteria.bench.reference.ReferenceCentral;
import ar.loteria.launch.Launch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's command line, and the soak against centrals that break the promises it checks: the benchmark's
 * reference centrals, which tell every agency on WELCOME that nothing is stored (so after a restart the agencies send
 * their bets again) and, for {@code null}, acknowledge bets without storing them. The real central's short soak is
 * {@link CentralCrashSoakTest}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CrashSoakTest {

    private static final Path CLIENT_JAR = Path.of("..", "client", "target", "lottery-client.jar");

    @TempDir
    Path dir;

    private static String run(int expectedStatus, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = CrashSoak.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        String output = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedStatus, status, output);
        return output;
    }

    @Test
    void helpListsEveryOptionAndABadValueIsAUsageError() {
        // when
        String help = run(0, "--help");
        String bad = run(2, "--cycles", "-1");
        String badDelays = run(2, "--min-delay-ms", "500", "--max-delay-ms", "100");
        String missingJar = run(2, "--server-jar", dir.resolve("none.jar").toString());

        // then
        for (String option : List.of("--server-jar", "--client-jar", "--cycles", "--agencies", "--bets", "--winners",
                "--batch", "--seed", "--min-delay-ms", "--max-delay-ms", "--max-growth-kb", "--torn-rows", "--port",
                "--jvm-opts", "--timeout-s", "--work", "--keep", "--help")) {
            assertTrue(help.contains(option), option + " missing in\n" + help);
        }
        assertTrue(help.contains("default: 100"), help);
        assertTrue(bad.contains("--cycles must be 0 or more: -1"), bad);
        assertTrue(badDelays.contains("--max-delay-ms must be 500 or more: 100"), badDelays);
        assertTrue(missingJar.contains("none.jar is missing"), missingJar);
    }

    /** A soak of one kill against a reference central ({@code null} or {@code csv}), with small agencies. */
    private SoakReport soakAgainst(String reference, Duration delay, ByteArrayOutputStream out) throws Exception {
        assertTrue(Files.isRegularFile(CLIENT_JAR), CLIENT_JAR + " is missing: run `mvn -B verify`");
        List<String> small = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1");
        SoakSettings settings = new SoakSettings(ReferenceCentral.launch(reference).withJvmOptions(small),
                Launch.jar(CLIENT_JAR).withJvmOptions(small), 2, List.of(3_000), 2, 11, 1, List.of(1, 2), delay,
                delay, 8 * 1024, 0, 0, 0, Duration.ofSeconds(90), dir);
        return CrashSoak.soak(settings, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Test
    void aCentralThatForgetsItsStoreAtRestartFailsTheSoakWithTheRowStoredTwice() throws Exception {
        // given: the reference that appends rows; the kill comes once the store has grown by up to 8 kB after both
        // agencies are welcomed, so in the middle of the ingest
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when
        SoakReport report = soakAgainst("csv", Duration.ofSeconds(30), out);

        // then: the first rows sent again after the restart are found as bets stored twice
        String output = out.toString(StandardCharsets.UTF_8);
        assertFalse(report.passed(), output);
        assertTrue(report.failures().stream().anyMatch(failure -> failure.matches("(?s)after central 2: store row "
                + "[\\d,]+: agency \\d's bet #[\\d,]+ should be line [\\d,]+ of agency-\\d\\.csv, .* but the store has "
                + ".* \\(a bet lost, stored twice or out of order\\)")), output);
        assertEquals(1, report.kills, output);
        assertTrue(output.matches("(?s).*\nsoak: FAIL \\(\\d+ failed checks?\\)\n"), output);
    }

    @Test
    void aCentralThatAcknowledgesWithoutStoringFailsTheSoakAtTheKill() throws Exception {
        // given: the reference that stores nothing; the kill comes 0.3 s after both agencies are welcomed
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        // when
        SoakReport report = soakAgainst("null", Duration.ofMillis(300), out);

        // then
        String output = out.toString(StandardCharsets.UTF_8);
        assertFalse(report.passed(), output);
        assertTrue(report.failures().stream().anyMatch(failure -> failure.matches("agency \\d logged a BATCH_ACK up "
                + "to bet [\\d,]+, but when central 1 was killed the store held 0 of its bets: an acknowledged bet was "
                + "lost")), output);
    }
}
