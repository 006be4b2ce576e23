package ar.loteria.central.ledger;

/**
 * One agency as a ledger sees it when the rules decide for it.
 *
 * @param stored   its bets in the store: where its next batch must start
 * @param finished whether a FINISH of it was accepted
 */
public record AgencyState(long stored, boolean finished) {

    /** An agency the store knows nothing of. */
    public static final AgencyState NEW = new AgencyState(0, false);
}
