package ar.loteria.central.ledger.csv;

import java.util.HashMap;
import java.util.Map;

/**
 * How many bets of each agency the store holds: where each agency's stream stands, so where its next batch must
 * start. Storage thread only.
 */
final class StreamPositions {

    private final Map<Long, Long> stored;
    /** The sum of {@link #stored}, kept as the streams advance. */
    private long total;

    StreamPositions(Map<Long, Long> atOpen) {
        this.stored = new HashMap<>(atOpen);
        for (long count : atOpen.values()) {
            total += count;
        }
    }

    long of(long agency) {
        return stored.getOrDefault(agency, 0L);
    }

    /** Whether the agency has bets in the store. */
    boolean has(long agency) {
        return stored.containsKey(agency);
    }

    void advance(long agency, int bets) {
        stored.merge(agency, (long) bets, Long::sum);
        total += bets;
    }

    /** Bets stored over all agencies. */
    long total() {
        return total;
    }

    /** The agencies with bets, and how many each. */
    Map<Long, Long> all() {
        return stored;
    }
}
