package ar.loteria.agency;

import java.util.random.RandomGenerator;

/**
 * How an agency paces itself while the central's store refuses its bets with STORAGE_FAILURE (a full disk, a
 * database lost or failing over): a store that cannot write refuses every batch sent meanwhile, so resending the
 * whole window at every attempt only multiplies the refusals. After such a refusal the next connection starts with
 * a window of one batch, opened whole at the first acknowledgement, and every refusal in a row waits a little longer
 * before reconnecting, up to {@link #MAX_DELAYS} retry delays, with a random share taken off so that the agencies of
 * one outage do not all come back at the same instant. The first acknowledgement (or FINISH_ACK) ends it all.
 *
 * <p>Per run, shared by its connections. Event loop only.
 */
final class StoragePacing {

    /** The longest wait before reconnecting while the store keeps refusing, in retry delays. */
    static final int MAX_DELAYS = 2;

    private final int window;
    private final RandomGenerator random;
    /** STORAGE_FAILURE refusals since the store last took something of this agency. */
    private int refusals;

    /**
     * @param window the agency's whole window of batches in flight
     * @param random where the jitter comes from
     */
    StoragePacing(int window, RandomGenerator random) {
        this.window = window;
        this.random = random;
    }

    /** The store refused a batch or a FINISH with STORAGE_FAILURE. */
    void refused() {
        refusals++;
    }

    /** The store took a batch (or a FINISH): the next refusal starts again from the first delay. */
    void accepted() {
        refusals = 0;
    }

    /** The window a new connection starts with: one batch after a refusal, so the store is tried with one. */
    int firstWindow() {
        return refusals > 0 ? 1 : window;
    }

    /** STORAGE_FAILURE refusals since the store last took something. */
    int refusals() {
        return refusals;
    }

    /**
     * How long to wait before reconnecting after a drop, given the ordinary retry delay: that delay, unless the drop
     * followed refusals of the store; then the delay doubled for each refusal in a row but the first, at most
     * {@link #MAX_DELAYS} times, of which a random half or less is taken off.
     */
    long reconnectDelayNanos(long retryDelayNanos) {
        if (refusals == 0) {
            return retryDelayNanos;
        }
        long delay = retryDelayNanos * Math.min(1L << Math.min(refusals - 1, 30), MAX_DELAYS);
        return delay - random.nextLong(delay / 2 + 1);
    }
}
