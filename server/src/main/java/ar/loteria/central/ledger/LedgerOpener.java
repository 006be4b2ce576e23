package ar.loteria.central.ledger;

import java.io.IOException;

/**
 * Opens the ledger a central runs on. Called once, on the storage thread that will own the ledger, so that the
 * store is opened, used and closed by one thread.
 */
@FunctionalInterface
public interface LedgerOpener {

    /**
     * @throws UnusableStoreException when the store cannot be used (the central does not start, exit 1)
     * @throws IOException            when the store cannot be opened or read
     */
    Ledger open() throws IOException;
}
