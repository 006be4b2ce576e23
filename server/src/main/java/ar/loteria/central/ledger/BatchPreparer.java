package ar.loteria.central.ledger;

/**
 * Prepares a validated batch for one ledger's store before it is queued for the storage thread: on the event loop
 * that received it, one of several, so that work the store needs per bet (rendering rows, say) is spread over the
 * cores instead of falling on the single storage thread. Stateless and thread-safe: any event loop calls it.
 */
@FunctionalInterface
public interface BatchPreparer {

    /** Leaves a batch as it is, for a store that needs nothing prepared. */
    BatchPreparer NONE = batch -> batch;

    /** The batch with its {@link Batch#prepared() prepared} form. Any thread. */
    Batch prepare(Batch batch);
}
