package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerContractTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The ledger contract on the course's CSV file: a new file per test, beside its finish log. */
class CsvLedgerContractTest extends LedgerContractTest {

    @TempDir
    Path dir;

    @Override
    protected Ledger openOnTheStore(int agencies) throws Exception {
        return CsvLedger.open(dir.resolve("bets.csv"), false, agencies);
    }
}
