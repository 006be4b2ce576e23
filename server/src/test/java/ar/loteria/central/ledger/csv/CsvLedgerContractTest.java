package ar.loteria.central.ledger.csv;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerContractTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

/** The ledger contract on the course's CSV file: a new file per test, beside its finish log. */
class CsvLedgerContractTest extends LedgerContractTest {

    @TempDir
    Path dir;

    @Override
    protected Ledger openOnTheStore(int agencies, CloseSettings close) throws Exception {
        return CsvLedger.open(dir.resolve("bets.csv"), false, agencies, close, Clock.systemUTC());
    }
}
