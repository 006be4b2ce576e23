package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;
import ar.loteria.codec.WinningRule;
import ar.loteria.codec.WireBets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents of the stored winning bets ({@link WinningRule}), per agency, in store order: filled once from the
 * rows the store held when it opened, then by every batch as it is stored, so that the draw reads nothing. Storage
 * thread only.
 */
final class WinnersIndex {

    private final Map<Long, List<String>> documents = new HashMap<>();

    /** Adds what a read of the store found (documents per agency, in store order). */
    void addFound(Map<Long, List<String>> found) {
        found.forEach((agency, list) -> documents.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(list));
    }

    /** Adds the winning bets among a stored batch of {@code agency}; numbers are ints, so no bytes are read. */
    void addStored(long agency, List<Bet> bets) {
        WireBets wire = bets instanceof WireBets decoded ? decoded : null;
        for (int i = 0; i < bets.size(); i++) {
            if (WinningRule.wins(wire != null ? wire.number(i) : bets.get(i).number())) {
                String document = wire != null ? wire.text(i, WireBets.DOCUMENT) : bets.get(i).document();
                documents.computeIfAbsent(agency, a -> new ArrayList<>()).add(document);
            }
        }
    }

    /** An immutable copy: the draw's result. */
    Map<Long, List<String>> freeze() {
        Map<Long, List<String>> copy = new HashMap<>();
        documents.forEach((agency, list) -> copy.put(agency, List.copyOf(list)));
        return Map.copyOf(copy);
    }
}
