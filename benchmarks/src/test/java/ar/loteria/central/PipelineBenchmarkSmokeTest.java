package ar.loteria.central;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline benchmark in one short JMH run (no fork, no warm-up, one iteration, 5,000 bets): every stage runs
 * (each checks that it saw every bet, or fails the run), is measured per bet, and is named in JMH's output.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PipelineBenchmarkSmokeTest {

    private static final List<String> STAGES = List.of("decode", "readBack", "renderAndWrite", "renderRows",
            "validateOnBetObjects", "validateOnWireBytes", "wholePipelineWithAcks");

    @TempDir
    Path dir;

    @Test
    void oneShortRunMeasuresEveryStagePerBetAndNamesItInTheOutput() throws Exception {
        // given
        Path output = dir.resolve("jmh.txt");

        // when
        Collection<RunResult> results = PipelineBenchmark.run("-f", "0", "-wi", "0", "-i", "1", "-r", "1ms",
                "-p", "bets=5000", "-o", output.toString());

        // then: one result per stage, counted per bet
        assertEquals(STAGES, results.stream().map(result -> result.getParams().getBenchmark())
                .map(name -> name.substring(name.lastIndexOf('.') + 1)).sorted().toList());
        for (RunResult result : results) {
            assertEquals(5000, result.getParams().getOpsPerInvocation(), result.getParams().getBenchmark());
            assertEquals("ns/op", result.getPrimaryResult().getScoreUnit());
            assertTrue(result.getPrimaryResult().getScore() > 0, result.getParams().getBenchmark());
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        for (String stage : STAGES) {
            assertTrue(text.contains("PipelineBenchmark." + stage), stage + " missing from:\n" + text);
        }
    }
}
