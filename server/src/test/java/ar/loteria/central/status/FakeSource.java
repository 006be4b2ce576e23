package ar.loteria.central.status;

import ar.loteria.codec.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A status source a test sets by hand. Test thread and the embedded channel's (the same thread). */
final class FakeSource implements StatusSource {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    volatile CentralStatus status;
    volatile int openConnections;
    volatile Readiness readiness = Readiness.READY;

    @Override
    public CentralStatus status() {
        return status;
    }

    @Override
    public int openConnections() {
        return openConnections;
    }

    @Override
    public Readiness readiness() {
        return readiness;
    }

    /** A status at {@code T0 + millis} with the given agencies, waiting for {@code expected} of them. */
    static CentralStatus status(long millis, int expected, List<AgencyStatus> agencies) {
        long bets = agencies.stream().mapToLong(AgencyStatus::betsStored).sum();
        int finished = (int) agencies.stream().filter(AgencyStatus::finished).count();
        Instant at = T0.plusMillis(millis);
        return new CentralStatus(at, expected, finished, null, bets, bets / 10, Map.of(), 0, bets * 50, agencies,
                List.of(new IngestSample(at, bets)));
    }

    /** The same status with betting closing at {@code closesAt}. */
    static CentralStatus closing(CentralStatus status, Instant closesAt) {
        return new CentralStatus(status.at(), status.agenciesExpected(), status.agenciesFinished(), status.drawnAt(),
                status.betsStored(), status.batchesStored(), status.batchesRefused(), status.resultsWaiting(),
                status.storeBytes(), status.agencies(), status.ingest(), closesAt);
    }

    /** The same status drawn at {@code drawnAt}, with {@code refused} batches of INVALID_BET. */
    static CentralStatus drawn(CentralStatus status, Instant drawnAt, long refused) {
        return new CentralStatus(status.at(), status.agenciesExpected(), status.agenciesFinished(), drawnAt,
                status.betsStored(), status.batchesStored(), Map.of(ErrorCode.INVALID_BET, refused),
                status.resultsWaiting(), status.storeBytes(), status.agencies(), status.ingest());
    }
}
