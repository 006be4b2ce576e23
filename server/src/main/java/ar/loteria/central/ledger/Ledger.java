package ar.loteria.central.ledger;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * The lottery's book of record: where the bets live, how many each agency has, who has finished, and the draw.
 * The central's storage side ({@code StorageDispatcher}) is its only caller, and every method runs on its one
 * storage thread, in the order the agencies' messages arrived; so an implementation needs no locks and may block
 * (a file, a database). It never sees a connection: answers go back as return values.
 *
 * <p>What a ledger may store, and when the lottery draws, is decided by {@link LedgerRules} for every ledger; a
 * ledger reads its store's state for the rules and persists what they accept. Implementations: the course's CSV
 * file with the lottery's state in memory ({@code ledger.csv}), and a PostgreSQL database that several centrals
 * share ({@code ledger.postgres}); {@code LedgerContractTest} holds both to the same rules.
 */
public interface Ledger extends AutoCloseable {

    /**
     * What prepares a batch for this ledger's store on the event loop, before it is queued; asked once, when the
     * ledger is open. By default nothing is prepared.
     */
    default BatchPreparer preparer() {
        return BatchPreparer.NONE;
    }

    /** Bets of {@code agency} in the store: where its next batch must start (WELCOME.stored). */
    long stored(long agency);

    /**
     * Stores batches in order, each whole or not at all: a batch that continues its agency's stream is stored; one
     * stored before is acknowledged again without being stored twice; any other is refused (gap, bets after the
     * agency's FINISH or after the draw). Accepted batches may go to the store in one write; if that write fails,
     * each of them is refused with {@code STORAGE_FAILURE} and nothing of them stays. Logs one {@code
     * apuesta_recibida} line per stored batch before it returns, so the line precedes the acknowledgement.
     *
     * @return one outcome per batch, in order
     */
    List<Outcome> store(List<Batch> batches);

    /**
     * Records that {@code agency} sent all its bets, which may be the FINISH that makes the draw. A repeated FINISH
     * counts once.
     *
     * @param total the bets the agency says it sent: must equal {@link #stored(long)}
     */
    Outcome finish(long agency, long total);

    /**
     * When betting closes (or closed), {@code null} when no close is known: no close configured, or one counted
     * from a first FINISH that has not come. The storage side asks after every round of messages and calls {@link
     * #timePassed()} then.
     */
    default Instant closesAt() {
        return null;
    }

    /** The moment {@link #closesAt()} named has come: the ledger makes the draw if betting has closed. */
    default void timePassed() {
    }

    /** Whether the draw has happened (as far as this central knows). */
    boolean drawn();

    /** The documents of {@code agency}'s winning bets, in store order. Only after {@link #drawn()}. */
    List<String> winnersOf(long agency);

    /** Counts for the operator's view, with every agency's tally. */
    LedgerView view();

    /**
     * Counts for the operator's view with the tallies of {@code agencies} only (those that may have changed since
     * the last view; an unknown one is left out); the totals are the whole ledger's, as in {@link #view()}. A
     * ledger that cannot do better gives every agency's tally.
     */
    default LedgerView view(Collection<Long> agencies) {
        return view();
    }

    /**
     * Asks to be told, from any thread, when the ledger learns of the draw outside a call of the storage thread (a
     * draw made by another central, say). The callback only wakes the storage side, which then asks {@link
     * #drawn()}. A ledger that only draws inside {@link #finish} never calls it.
     */
    default void onDrawLearned(Runnable wake) {
    }

    /** Flushes and closes the store, logging it as a closed resource. */
    @Override
    void close();
}
