package ar.loteria.soak;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CentralTranscriptTest {

    private static final String CONFIG = "2026-12-01 01:00:00 INFO     action: config | result: success | port: 1 | "
            + "listen_backlog: 5 | logging_level: INFO | agencies: 2";
    private static final String REPAIR = "2026-12-01 01:00:00 WARN     action: reparar_almacen | result: success | "
            + "file: /tmp/x/bets.csv | bytes_cortados: 12";
    private static final String STORED = "2026-12-01 01:00:00 INFO     action: apuesta_recibida | result: success | "
            + "cantidad: 3";
    private static final String REPEATED = "2026-12-01 01:00:00 INFO     action: lote_repetido | result: success | "
            + "agency: 2 | apuestas: 4";
    private static final String DRAW = "2026-12-01 01:00:00 INFO     action: sorteo | result: success";
    private static final String FIGURES = "2026-12-01 01:00:00 INFO     action: draw_winners | result: success | "
            + "bets: 6 | winners: 1 | ms: 2";
    private static final String REFUSED = "2026-12-01 01:00:00 ERROR    action: apuesta_recibida | result: fail | "
            + "cantidad: 3 | agency: 1 | error: x";

    @Test
    void readsTheFiguresOfACentralsLog() {
        // when
        CentralTranscript transcript = CentralTranscript.of(List.of(CONFIG, REPAIR, STORED, REPEATED, REFUSED, STORED,
                DRAW, FIGURES));

        // then
        assertEquals(new CentralTranscript(1, 0, 2, 6, List.of(12L), 1, 4, List.of(REFUSED)), transcript);
        assertEquals(List.of(), transcript.problems("central 2", true, false, 12, 6));
    }

    @Test
    void aCentralMayDrawAtMostOnceTheLastExactlyOnceAfterEveryStoredBatch() {
        assertEquals(List.of("central 3 logged `action: sorteo | result: success` 2 times, at most once",
                        "central 3 logged 1 `apuesta_recibida | result: success` lines after its `sorteo` line"),
                CentralTranscript.of(List.of(STORED, DRAW, STORED, DRAW)).problems("central 3", false, true, 0, 6));
        assertEquals(List.of("central 4 logged `action: sorteo | result: success` 0 times, the last central must log "
                + "it exactly once"), CentralTranscript.of(List.of(STORED)).problems("central 4", true, false, 0, 3));
    }

    @Test
    void aRepairMustCutExactlyTheTornTailItWasGiven() {
        assertEquals(List.of("central 2 started on a store ending with 13 bytes of a torn row, so it must log one "
                        + "repair of exactly those bytes; it logged reparar_almacen with bytes_cortados [12]"),
                CentralTranscript.of(List.of(REPAIR)).problems("central 2", false, true, 13, 0));
        assertEquals(List.of("central 2 started on a store ending with 0 bytes of a torn row, so it must log no "
                        + "repair; it logged reparar_almacen with bytes_cortados [12]"),
                CentralTranscript.of(List.of(REPAIR)).problems("central 2", false, true, 0, 0));
    }

    @Test
    void storedBatchLinesAccountForTheRowsAddedExactlyUnlessTheCentralWasKilled() {
        CentralTranscript transcript = CentralTranscript.of(List.of(STORED, STORED));
        // a kill may fall between a write and its line, never before the write
        assertEquals(List.of(), transcript.problems("central 1", false, true, 0, 7));
        assertEquals(List.of("central 1's apuesta_recibida lines add up to 6 bets, but it added 5 rows to the store"),
                transcript.problems("central 1", false, true, 0, 5));
        assertEquals(List.of("central 1's apuesta_recibida lines add up to 6 bets, but it added 7 rows to the store"),
                CentralTranscript.of(List.of(STORED, STORED, DRAW)).problems("central 1", true, false, 0, 7));
        // a store that could not be counted is not held against the log
        assertEquals(List.of(), transcript.problems("central 1", false, true, 0, -1));
    }
}
