package ar.loteria.central.ledger.csv;

import java.util.HashMap;
import java.util.Map;

/**
 * How many bets of each agency the store holds: where each agency's stream stands, so where its next batch must
 * start. Storage thread only.
 */
final class StreamPositions {

    private final Map<Long, Long> stored;

    StreamPositions(Map<Long, Long> atOpen) {
        this.stored = new HashMap<>(atOpen);
    }

    long of(long agency) {
        return stored.getOrDefault(agency, 0L);
    }

    void advance(long agency, int bets) {
        stored.merge(agency, (long) bets, Long::sum);
    }

    long total() {
        long total = 0;
        for (long count : stored.values()) {
            total += count;
        }
        return total;
    }

    /** The agencies with bets, and how many each. */
    Map<Long, Long> all() {
        return stored;
    }
}
