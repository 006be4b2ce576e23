package ar.loteria.central;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tiny run of the pipeline benchmark: every stage sees every bet (it checks that itself) and reports a figure. */
class PipelineBenchmarkSmokeTest {

    @Test
    void everyStageReportsAFigureForEveryRun() throws Exception {
        List<PipelineBenchmark.Figure> figures = PipelineBenchmark.run(5_000, 2);

        assertEquals(List.of("decode", "validate", "validate (wire bytes)", "render rows (wire bytes)",
                "csv store (to file)", "whole pipeline", "read back (restart)"),
                figures.stream().map(PipelineBenchmark.Figure::stage).toList());
        for (PipelineBenchmark.Figure figure : figures) {
            assertEquals(2, figure.nanosPerBet().length);
            assertTrue(figure.median() > 0, figure.line());
        }
    }
}
