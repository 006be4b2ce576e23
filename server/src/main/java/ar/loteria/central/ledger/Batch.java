package ar.loteria.central.ledger;

import ar.loteria.codec.Bet;
import ar.loteria.codec.WireBets;

import java.util.List;

/**
 * A validated batch on its way into a ledger, in no store's terms: whose bets, where they start in the agency's
 * stream, and the bets. {@code prepared} is what the ledger's {@link BatchPreparer} made of it on the event loop
 * that received it (the CSV store's rows, say), so that the one storage thread only writes; it means something only
 * to that ledger, and a ledger handed a batch without it prepares the batch itself.
 *
 * @param agency   the agency the bets belong to
 * @param first    the position of its first bet in the agency's stream (0 for the agency's first bet ever)
 * @param bets     the bets, in order
 * @param prepared the store's own form of the batch, or {@code null}
 */
public record Batch(long agency, long first, List<Bet> bets, Prepared prepared) {

    /** A batch in the form one store writes it: made by that store's {@link BatchPreparer}. Immutable. */
    public interface Prepared {
    }

    public Batch {
        bets = bets instanceof WireBets ? bets : List.copyOf(bets);
    }

    /** A batch nothing has been prepared for. */
    public Batch(long agency, long first, List<Bet> bets) {
        this(agency, first, bets, null);
    }

    public int count() {
        return bets.size();
    }

    /** The position after its last bet: where the agency's next batch starts once this one is stored. */
    public long end() {
        return first + bets.size();
    }
}
