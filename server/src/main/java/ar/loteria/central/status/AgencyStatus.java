package ar.loteria.central.status;

/**
 * One agency in the operator's view. Counts only: never a document or a name.
 *
 * @param agency      the agency id
 * @param connections its connections open now (bound by HELLO)
 * @param betsStored  its bets in the store
 * @param finished    whether its FINISH was accepted
 * @param winners     its winning bets once the draw has happened, -1 before
 */
public record AgencyStatus(long agency, int connections, long betsStored, boolean finished, int winners) {
}
