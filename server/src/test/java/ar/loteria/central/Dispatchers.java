package ar.loteria.central;

import ar.loteria.central.ledger.BatchPreparer;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.csv.BetStore;
import ar.loteria.central.ledger.csv.CsvLedger;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** Storage sides for tests: a real {@link StorageDispatcher} over a ledger, on an executor the test chooses. */
final class Dispatchers {

    private Dispatchers() {
    }

    /** A file ledger over {@code store}, drawing when {@code agencies} have finished. */
    static CsvLedger ledger(BetStore store, int agencies) throws IOException {
        return new CsvLedger(store, Path.of("test.csv"), agencies, Clock.systemDefaultZone());
    }

    /** A Mockito mock of a ledger whose store needs nothing prepared. */
    static Ledger mockLedger() {
        Ledger ledger = mock(Ledger.class);
        when(ledger.preparer()).thenReturn(BatchPreparer.NONE);
        return ledger;
    }

    /** Handles every message at once, on the caller's thread: tests run synchronously. */
    static StorageDispatcher immediate(Ledger ledger) {
        return on(ImmediateEventExecutor.INSTANCE, ledger, StorageDispatcher.defaultMaxQueued());
    }

    /** On {@code storage}, with a budget of {@code maxQueued} waiting batches over all connections. */
    static StorageDispatcher on(EventExecutor storage, Ledger ledger, int maxQueued) {
        return new StorageDispatcher(storage, ledger, maxQueued, Clock.systemDefaultZone());
    }
}
