package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;
import ar.loteria.codec.WireBets;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;
import java.util.List;

/**
 * A batch's rows already in the store's bytes ({@link CsvRowFormat}). Rendered on the event loop that received the
 * batch, so the single storage thread only has to write them.
 *
 * @param agency the agency the rows belong to
 * @param bets   the bets, in order
 * @param bytes  their CSV rows, exactly
 */
public record CsvRows(long agency, List<Bet> bets, byte[] bytes) {

    /** Per thread: room for the largest batch a frame can carry, before it is copied to its exact size. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[64 * 1024];
        }
    };

    public CsvRows {
        bets = bets instanceof WireBets ? bets : List.copyOf(bets);
    }

    /** Renders the rows of {@code bets}. Any thread. */
    public static CsvRows render(long agency, List<Bet> bets) {
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
        return new CsvRows(agency, bets, Arrays.copyOf(scratch, length));
    }

    /** Renders straight from the wire bytes, which are already the UTF-8 the store holds. */
    private static CsvRows render(long agency, WireBets bets) {
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
        return new CsvRows(agency, bets, Arrays.copyOf(scratch, length));
    }
}
