package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.BetSink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The CSV store's bets as an export: its whole rows, byte for byte (a half-written last row, which the central
 * would cut at its next start, is left out). Reads the file only. The caller's thread.
 */
public final class CsvExport {

    private CsvExport() {
    }

    /** A sink that writes the bets it is handed as the store's rows, byte for byte as the CSV store would. */
    public static BetSink rowsTo(OutputStream out) {
        return (agency, bets) -> out.write(RenderedRows.render(agency, bets).bytes());
    }

    /**
     * Copies the whole rows of {@code store} to {@code out}.
     *
     * @return the rows copied
     */
    public static long write(Path store, OutputStream out) throws IOException {
        try (FileChannel file = FileChannel.open(store, StandardOpenOption.READ)) {
            StoredRowScanner.Result whole = StoredRowScanner.scan(file, (row, start, end, fields, line) -> { });
            WritableByteChannel target = Channels.newChannel(out);
            for (long at = 0; at < whole.completeBytes(); ) {
                at += file.transferTo(at, whole.completeBytes() - at, target);
            }
            return whole.rows();
        }
    }
}
