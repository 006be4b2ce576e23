package ar.loteria.central.ledger;

import ar.loteria.central.ledger.csv.CsvRows;

/**
 * A validated batch on its way into the ledger: its rows, already rendered as the store writes them, and its
 * position in its agency's stream.
 *
 * @param rows  the batch's bets and their CSV rows
 * @param first the position of its first bet in the agency's stream (0 for the agency's first bet ever)
 */
public record Batch(CsvRows rows, long first) {

    public long agency() {
        return rows.agency();
    }

    public int count() {
        return rows.bets().size();
    }
}
