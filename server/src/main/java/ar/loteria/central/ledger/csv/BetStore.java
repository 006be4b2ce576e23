package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The file where accepted bets live. Opened, used and closed on the storage thread (by the file ledger), one call
 * at a time, so implementations need no locks.
 */
public interface BetStore extends AutoCloseable {

    /** Bets per agency found in the store when it was opened (a restarted central carries on from them). */
    Map<Long, Long> countsAtOpen();

    /**
     * Appends the rows of batches, in order, and hands them to the operating system before returning, so that an
     * acknowledged batch survives the central's process dying. All or nothing: a failed append leaves nothing of
     * any of them behind.
     */
    void append(List<RenderedRows> batches) throws IOException;

    /** Appends one batch's rows, as {@link #append(List)}. */
    default void append(RenderedRows rows) throws IOException {
        append(List.of(rows));
    }

    /** Renders and appends the bets of one agency, in order. */
    default void append(long agency, List<Bet> bets) throws IOException {
        append(RenderedRows.render(agency, bets));
    }

    /**
     * Reads the whole store back and adds the documents of its winning bets ({@code WinningRule}) to {@code into},
     * per agency, in store order.
     */
    void winningDocuments(Map<Long, List<String>> into) throws IOException;

    /** Appends forced to the disk so far, or -1 when appends are not forced to the disk. */
    long syncs();

    /** Bytes in the store. */
    long size() throws IOException;

    /** Writes out what is buffered and closes the file. */
    @Override
    void close() throws IOException;
}
