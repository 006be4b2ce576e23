package ar.loteria.central.ledger;

/**
 * One agency as the ledger sees it, for the operator's view. Counts only: never a document or a name.
 *
 * @param agency   the agency id
 * @param stored   its bets in the store
 * @param finished whether its FINISH was accepted
 * @param winners  its winning bets once the draw has happened, -1 before
 */
public record AgencyTally(long agency, long stored, boolean finished, int winners) {
}
