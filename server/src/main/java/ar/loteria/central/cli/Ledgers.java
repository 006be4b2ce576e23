package ar.loteria.central.cli;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.ledger.LedgerOpener;
import ar.loteria.central.ledger.csv.CsvLedger;
import ar.loteria.central.ledger.postgres.PostgresLedger;

import java.time.Clock;

/**
 * The one place that picks a store from the configuration: PostgreSQL when {@code STORAGE_URL} is set, otherwise the
 * course's CSV file. Everything else sees only the {@code Ledger} contract.
 */
public final class Ledgers {

    private Ledgers() {
    }

    /** Opens the ledger {@code config} names (on the thread that calls the opener: the storage thread). */
    public static LedgerOpener opener(ServerConfig config) {
        if (config.database().enabled()) {
            return () -> PostgresLedger.open(config.database(), config.agencies(), config.close());
        }
        return () -> CsvLedger.open(config.storagePath(), config.syncWrites(), config.agencies(), config.close(),
                Clock.systemUTC());
    }
}
