package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerContractTest;
import ar.loteria.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/** The ledger contract on a real PostgreSQL server: a new database per test; a restart is a new central on it. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PostgresLedgerContractTest extends LedgerContractTest {

    private String url;

    @BeforeEach
    void newDatabase() throws Exception {
        url = TestPostgres.shared().newDatabase();
    }

    @Override
    protected Ledger openOnTheStore(int agencies, CloseSettings close) throws Exception {
        return PostgresLedger.open(new DatabaseSettings(url, TestPostgres.USER, TestPostgres.PASSWORD), agencies,
                close);
    }
}
