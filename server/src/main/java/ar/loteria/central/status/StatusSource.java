package ar.loteria.central.status;

/**
 * What the operator's view reads, from any event loop, without ever asking the storage thread: the snapshot it
 * publishes, and two figures the central keeps itself.
 */
public interface StatusSource {

    /** The latest published status, {@code null} until the store is open. */
    CentralStatus status();

    /** Connections open on the bets port now, identified or not. */
    int openConnections();

    Readiness readiness();
}
