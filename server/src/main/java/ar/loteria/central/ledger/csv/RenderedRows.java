package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.Batch;
import ar.loteria.codec.Bet;
import ar.loteria.codec.WireBets;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;
import java.util.List;

/**
 * A batch's rows already in the store's bytes ({@link CsvRowFormat}): the CSV ledger's prepared form of a batch,
 * rendered on the event loop that received it ({@link CsvLedger#PREPARER}), so the single storage thread only has to
 * write them.
 *
 * @param bytes the batch's CSV rows, exactly
 */
public record RenderedRows(byte[] bytes) implements Batch.Prepared {

    /** Per thread: room for the largest batch a frame can carry, before it is copied to its exact size. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[64 * 1024];
        }
    };

    /** Renders the rows of {@code bets}. Any thread. */
    public static RenderedRows render(long agency, List<Bet> bets) {
        if (bets instanceof WireBets wire) {
            return render(agency, wire);
        }
        int worst = 0;
        for (Bet bet : bets) {
            worst += CsvRowFormat.maxRowBytes(bet);
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < worst) {
            scratch = new byte[worst];
        }
        int length = 0;
        for (Bet bet : bets) {
            length = CsvRowFormat.writeRow(scratch, length, agency, bet);
        }
        return new RenderedRows(Arrays.copyOf(scratch, length));
    }

    /** Renders straight from the wire bytes, which are already the UTF-8 the store holds. */
    private static RenderedRows render(long agency, WireBets bets) {
        int worst = 0;
        for (int i = 0; i < bets.size(); i++) {
            worst += CsvRowFormat.maxRowBytes(bets, i);
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < worst) {
            scratch = new byte[worst];
        }
        int length = 0;
        for (int i = 0; i < bets.size(); i++) {
            length = CsvRowFormat.writeRow(scratch, length, agency, bets, i);
        }
        return new RenderedRows(Arrays.copyOf(scratch, length));
    }
}
