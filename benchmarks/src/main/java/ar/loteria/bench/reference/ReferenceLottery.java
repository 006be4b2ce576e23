package ar.loteria.bench.reference;

import ar.loteria.codec.WinningRule;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the reference central remembers: each agency's bet count and the documents of its winning bets, which
 * agencies finished, and whether the draw happened (once {@code AGENCIES} distinct agencies finished). Selector
 * thread only.
 */
final class ReferenceLottery {

    private final int agencies;
    private final Map<Long, long[]> counts = new HashMap<>();
    private final Map<Long, List<byte[]>> winners = new HashMap<>();
    private final Set<Long> finished = new HashSet<>();
    private boolean drawn;

    ReferenceLottery(int agencies) {
        this.agencies = agencies;
        this.drawn = agencies <= 0;
    }

    /**
     * Counts a batch of {@code agency} and notes its winners: walks {@code count} bets laid out as in a BETS frame
     * from {@code offset} of {@code payload} (four length-prefixed texts, the document third, then a u16 number).
     */
    void count(long agency, ByteBuffer payload, int offset, int count) {
        counts.computeIfAbsent(agency, id -> new long[1])[0] += count;
        int at = offset;
        for (int bet = 0; bet < count; bet++) {
            int document = 0;
            for (int field = 0; field < 4; field++) {
                if (field == 2) {
                    document = at;
                }
                at += 1 + (payload.get(at) & 0xFF);
            }
            int number = payload.getShort(at) & 0xFFFF;
            at += 2;
            if (WinningRule.wins(number)) {
                byte[] bytes = new byte[payload.get(document) & 0xFF];
                payload.get(document + 1, bytes);
                winners.computeIfAbsent(agency, id -> new ArrayList<>()).add(bytes);
            }
        }
    }

    /** Bets counted for {@code agency}. */
    long stored(long agency) {
        long[] count = counts.get(agency);
        return count == null ? 0 : count[0];
    }

    /** Records a FINISH; true when it was the one that made the draw happen. */
    boolean finish(long agency) {
        if (drawn || !finished.add(agency) || finished.size() < agencies) {
            return false;
        }
        drawn = true;
        return true;
    }

    boolean drawn() {
        return drawn;
    }

    /** The documents of {@code agency}'s winning bets, in the order they came. */
    List<byte[]> winnersOf(long agency) {
        return winners.getOrDefault(agency, List.of());
    }
}
