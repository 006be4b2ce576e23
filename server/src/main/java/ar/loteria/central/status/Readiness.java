package ar.loteria.central.status;

/** Where the central is in its life, as {@code GET /ready} tells an orchestrator. */
public enum Readiness {
    /** The store is being opened or the bets port is not listening yet: 503. */
    STARTING,
    /** The store is open and the bets port listens: 200. */
    READY,
    /** SIGTERM arrived and the central is closing: 503. */
    STOPPING;

    /** The word {@code /ready} and the page use. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
