package ar.loteria.bench;

import java.util.List;

/**
 * One agency's side of a run, prepared before the clock starts: its whole conversation as frames laid end to end in
 * the load's buffer ({@link PreparedLoad}), HELLO, its BETS frames in order, FINISH and RESULTS, and what the central
 * must answer: each batch's count and the documents of its winning bets, in the order it sent them. Immutable.
 *
 * @param start  where its HELLO starts in the load's buffer
 * @param ends   where each of its frames ends: {@code ends[0]} HELLO, {@code ends[1..batches]} the BETS frames,
 *               then FINISH and RESULTS
 * @param counts bets per batch
 */
record PreparedAgency(long id, long bets, List<String> winners, int start, int[] ends, int[] counts) {

    int batches() {
        return counts.length;
    }

    /** Where batch {@code batch} (from 0) starts: where the frame before it ends. */
    int batchStart(int batch) {
        return ends[batch];
    }

    /** Where the frames up to batch {@code batch} (from 0; -1 for HELLO alone) end. */
    int endOfBatch(int batch) {
        return ends[batch + 1];
    }

    int finishEnd() {
        return ends[counts.length + 1];
    }

    int resultsEnd() {
        return ends[counts.length + 2];
    }
}
