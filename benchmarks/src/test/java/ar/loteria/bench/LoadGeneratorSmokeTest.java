package ar.loteria.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tiny runs of the load generator against the real central jar and the reference centrals: every run checks every
 * agency's winners and the store itself, so a passing run means the whole conversation worked; here we check that
 * it ran, interleaved the centrals and reported its figures.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LoadGeneratorSmokeTest {

    private static final Path JAR = Path.of("..", "server", "target", "lottery-server.jar");

    /** What a run printed and returned. */
    private record Outcome(int status, String out, String err) {
        List<String> lines() {
            return out.strip().lines().toList();
        }
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = LoadGenerator.run(args);
            return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    @Test
    void tinyRunInterleavesTheCentralWithTheReferencesAndEndsWithTheCeilingAndBetsPerSecond() {
        // given: the central's jar, packaged before this module's tests
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: run `mvn -B verify`");

        // when
        Outcome outcome = run("--server-jar", JAR.toString(), "--agencies", "3", "--shape", "40,25,60", "--runs", "2",
                "--batch", "7");

        // then
        String output = outcome.out();
        assertEquals(0, outcome.status(), output + outcome.err());
        assertTrue(output.contains("load: 3 agencies, 125 bets"), output);
        // one warm-up run by default, not counted; then two rounds, the first place rotating
        assertEquals(1, output.lines().filter(l -> l.startsWith("run 0 (warm-up")).count(), output);
        assertEquals(List.of("run 1 central", "run 1 null", "run 1 null+csv", "run 2 null", "run 2 null+csv",
                "run 2 central"), output.lines().filter(l -> l.matches("run \\d \\S+: ingest .*"))
                .map(l -> l.substring(0, l.indexOf(':'))).toList(), output);
        // every run shows its progress, its CPU and the share of the cores each side used
        assertEquals(7, output.lines().filter(l -> l.matches("run \\d \\S+ bets acknowledged per 50 ms: [\\d ]+"))
                .count(), output);
        assertEquals(7, output.lines().filter(l -> l.contains("of which since the agencies connected {")).count(),
                output);
        String share = " \\d+\\.\\d\\d \\(\\d+ %\\)";
        assertEquals(7, output.lines().filter(l -> l.matches("run \\d \\S+ cores: server" + share + ", load generator"
                + share + ", other processes" + share + ", idle" + share + " of \\d+ over \\d+\\.\\d+ s")).count(),
                output);
        // medians per central, every figure
        for (String central : List.of("central", "null", "null+csv")) {
            assertTrue(output.contains("\n" + central + ", 2 runs:\n"), central + " missing in\n" + output);
        }
        for (String figure : new String[] {"ingest s", "last winners s", "ack p99 ms", "draw ms", "server ready ms",
            "server peak RSS MB", "server threads", "server cores", "generator cores", "others cores"}) {
            assertEquals(3, output.lines().filter(l -> l.startsWith("  " + figure + " ")).count(),
                    figure + " missing in\n" + output);
        }
        // each central's CPU per agency, split by thread role, and the generator's own beside it
        for (String central : List.of("central", "null", "null+csv")) {
            assertEquals(1, output.lines().filter(l -> l.matches(" +" + Pattern.quote(central)
                    + " +\\d+ \\(.*\\), \\d+ ns per bet; load generator \\d+ \\(\\d+ % of the server's\\)")).count(),
                    central + " cpu missing in\n" + output);
        }
        assertTrue(output.lines().anyMatch(l -> l.matches("cpu: central \\d+ us per agency, \\d+\\.\\d\\d times "
                + "null\\+csv's \\d+; load generator \\d+ us per agency, \\d+ % of the central's")), output);
        assertTrue(output.contains("(min "), output);
        assertTrue(output.contains("runs 2)"), output);
        List<String> lines = outcome.lines();
        assertTrue(lines.get(lines.size() - 2).matches("ceiling: \\d+ % of null, \\d+ % of null\\+csv"),
                lines.get(lines.size() - 2));
        assertTrue(lines.get(lines.size() - 1).matches("bets/s: \\d+"), lines.get(lines.size() - 1));
    }

    @Test
    void withoutReferencesOnlyTheCentralRunsAndTheBooleanOptionsTakeAValue() {
        // when: one round of the central alone, its writes forced to the disk, no warm-up, the agencies coming
        // 200 ms after it is ready
        Outcome outcome = run("--server-jar", JAR.toString(), "--agencies", "2", "--shape", "30", "--runs", "1",
                "--warmup", "0", "--references", "false", "--storage-sync", "true", "--slice-ms", "20",
                "--start-delay-ms", "200");

        // then
        String output = outcome.out();
        assertEquals(0, outcome.status(), output + outcome.err());
        assertTrue(output.contains("1 rounds of central, server opts [], the central with STORAGE_SYNC"), output);
        assertEquals(1, output.lines().filter(l -> l.matches("run 1 central bets acknowledged per 20 ms: [\\d ]+"))
                .count(), output);
        assertFalse(output.contains("null"), output);
        assertFalse(output.contains("ceiling:"), output);
        assertTrue(outcome.lines().get(outcome.lines().size() - 1).matches("bets/s: \\d+"), output);
    }

    @Test
    void theCentralsOwnOptionsGoToTheCentralAloneAfterTheSharedOnes() {
        // given
        LoadGenerator generator = new LoadGenerator();
        new CommandLine(generator).parseArgs("--server-jar", JAR.toString(), "--server-opts", "-Xmx1g",
                "--central-opts", " -XX:SharedArchiveFile=/tmp/central.jsa  -Xss1m ");

        // when
        List<String> central = generator.launch(BenchedCentral.CENTRAL).jvmOptions();
        List<String> reference = generator.launch(BenchedCentral.NULL_CSV).jvmOptions();

        // then
        assertEquals(List.of("-Xmx1g", "-XX:SharedArchiveFile=/tmp/central.jsa", "-Xss1m"), central);
        assertEquals(List.of("-Xmx1g"), reference);
    }

    @Test
    void helpListsEveryOptionAndABadValueIsAUsageError() {
        // when
        Outcome help = run("--help");
        Outcome bad = run("--agencies", "0");

        // then
        assertEquals(0, help.status(), help.err());
        assertFalse((help.out() + help.err()).contains("WARN"), help.out() + help.err());
        assertTrue(help.out().contains("`ceiling: P % of null, Q % of null+csv`"), help.out());
        for (String option : List.of("--server-jar", "--agencies", "--shape", "--batch", "--window", "--runs",
                "--warmup", "--references", "--server-opts", "--central-opts", "--server-java", "--event-loops",
                "--connecting",
                "--data", "--parked", "--slice-ms", "--start-delay-ms", "--storage-sync", "--keep", "--help")) {
            assertTrue(help.out().contains(option), option + " missing in\n" + help.out());
        }
        assertTrue(help.out().contains("default: 50"), help.out());
        assertEquals(2, bad.status(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--agencies must be 1 or more: 0"), bad.err());
    }
}
