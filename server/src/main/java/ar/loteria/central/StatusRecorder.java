package ar.loteria.central;

import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.status.AgencyStatus;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.central.status.IngestSample;
import ar.loteria.codec.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The storage side's own counts (connections per agency, batches stored and refused) and the {@link CentralStatus}
 * built from them and the ledger's view. Counts only: never a document or a name.
 *
 * <p>{@link #refused} from any thread; the rest on the storage thread, which publishes; {@link #latest()} from any
 * thread.
 */
final class StatusRecorder {

    /** How far back the status's ingest samples go. */
    static final Duration INGEST_WINDOW = Duration.ofSeconds(60);

    private final Clock clock;
    private final AtomicLongArray refused = new AtomicLongArray(ErrorCode.values().length);
    private final Map<Long, Integer> connections = new HashMap<>();
    private final ArrayDeque<IngestSample> ingest = new ArrayDeque<>();
    private long batchesStored;
    private volatile CentralStatus latest;
    /** Whether the connections per agency are counted: only while the status is published for the status port. */
    private volatile boolean countingConnections;

    StatusRecorder(Clock clock) {
        this.clock = clock;
    }

    /** A batch refused, whichever thread refused it. */
    void refused(ErrorCode code) {
        refused.incrementAndGet(code.ordinal());
    }

    void stored() {
        batchesStored++;
    }

    /** From now on the connections per agency are counted (set before the first connection). Any thread. */
    void countConnections() {
        countingConnections = true;
    }

    /** Whether the connections per agency are counted, so that each close must be told. Any thread. */
    boolean countsConnections() {
        return countingConnections;
    }

    void connected(long agency) {
        if (countingConnections) {
            connections.merge(agency, 1, Integer::sum);
        }
    }

    void disconnected(long agency) {
        connections.computeIfPresent(agency, (id, open) -> open > 1 ? open - 1 : null);
    }

    /** Builds and publishes a new status from the ledger's view. Storage thread. */
    void publish(LedgerView view, int resultsWaiting) {
        Map<Long, AgencyStatus> agencies = new TreeMap<>();
        for (AgencyTally tally : view.agencies()) {
            agencies.put(tally.agency(), new AgencyStatus(tally.agency(), connections.getOrDefault(tally.agency(), 0),
                    tally.stored(), tally.finished(), tally.winners()));
        }
        connections.forEach((agency, open) -> agencies.putIfAbsent(agency,
                new AgencyStatus(agency, open, 0, false, view.drawn() ? 0 : -1)));
        Map<ErrorCode, Long> refusals = new EnumMap<>(ErrorCode.class);
        for (ErrorCode code : ErrorCode.values()) {
            long count = refused.get(code.ordinal());
            if (count > 0) {
                refusals.put(code, count);
            }
        }
        // The bets stored at each publication of the last minute: the ingest-rate chart's samples.
        Instant now = clock.instant();
        long betsStored = view.betsStored();
        ingest.addLast(new IngestSample(now, betsStored));
        while (!ingest.getFirst().at().isAfter(now.minus(INGEST_WINDOW))) {
            ingest.removeFirst();
        }
        latest = new CentralStatus(now, view.agenciesExpected(), view.agenciesFinished(), view.drawnAt(),
                betsStored, batchesStored, refusals, resultsWaiting, view.storeBytes(),
                new ArrayList<>(agencies.values()), new ArrayList<>(ingest), view.closesAt());
    }

    /** The latest published status, or {@code null} before the first. Any thread. */
    CentralStatus latest() {
        return latest;
    }
}
