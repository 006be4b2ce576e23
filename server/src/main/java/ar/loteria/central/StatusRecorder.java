package ar.loteria.central;

import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Ledger;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The storage side's own counts (connections per agency, batches stored and refused) and the {@link CentralStatus}
 * built from them and the ledger's view. Counts only: never a document or a name.
 *
 * <p>While the status is published for the status port, the per-agency rows are kept from one publication to the
 * next and only those of the agencies something happened to since (a connection, a batch stored, a FINISH) are
 * asked of the ledger again; every row is rebuilt at the first publication and at the draw. So a publication costs
 * the agencies that changed, not every agency the ledger knows.
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
    /** The rows of the last publication, by agency. */
    private final TreeMap<Long, AgencyStatus> rows = new TreeMap<>();
    /** Agencies whose row may have changed since the last publication (only while publishing for the port). */
    private final Set<Long> changed = new HashSet<>();
    /** Whether the next publication rebuilds every row. */
    private boolean rebuild = true;
    private boolean drawnAtLastPublication;
    private long batchesStored;
    private volatile CentralStatus latest;
    /**
     * Whether the status is published for the status port: only then are connections counted and changed agencies
     * remembered.
     */
    private volatile boolean live;

    StatusRecorder(Clock clock) {
        this.clock = clock;
    }

    /** A batch refused, whichever thread refused it. */
    void refused(ErrorCode code) {
        refused.incrementAndGet(code.ordinal());
    }

    /** A batch of {@code agency} stored. */
    void stored(long agency) {
        batchesStored++;
        changed(agency);
    }

    /** Something of {@code agency} the ledger holds may have changed (a FINISH). */
    void changed(long agency) {
        if (live) {
            changed.add(agency);
        }
    }

    /**
     * From now on the status is published for the status port, so connections are counted and rows kept (set
     * before the first connection). Any thread.
     */
    void countConnections() {
        live = true;
    }

    /** Whether the connections per agency are counted, so that each close must be told. Any thread. */
    boolean countsConnections() {
        return live;
    }

    void connected(long agency) {
        if (live) {
            connections.merge(agency, 1, Integer::sum);
            changed.add(agency);
        }
    }

    void disconnected(long agency) {
        connections.computeIfPresent(agency, (id, open) -> open > 1 ? open - 1 : null);
        changed(agency);
    }

    /** Builds and publishes a new status from the ledger's view. Storage thread. */
    void publish(Ledger ledger, int resultsWaiting) {
        boolean everyRow = rebuild || !live;
        LedgerView view = everyRow ? ledger.view() : ledger.view(changed);
        if (!everyRow && view.drawn() != drawnAtLastPublication) {
            // The draw gives every agency its winners.
            everyRow = true;
            view = ledger.view();
        }
        if (everyRow) {
            rows.clear();
        }
        for (AgencyTally tally : view.agencies()) {
            rows.put(tally.agency(), new AgencyStatus(tally.agency(), connections.getOrDefault(tally.agency(), 0),
                    tally.stored(), tally.finished(), tally.winners()));
            changed.remove(tally.agency());
        }
        // Agencies with a connection and nothing in the ledger; one that had only connections and has none left
        // goes away.
        for (long agency : everyRow ? connections.keySet() : changed) {
            int open = connections.getOrDefault(agency, 0);
            AgencyStatus row = new AgencyStatus(agency, open, 0, false, view.drawn() ? 0 : -1);
            if (everyRow) {
                rows.putIfAbsent(agency, row);
            } else if (open > 0) {
                rows.put(agency, row);
            } else {
                rows.remove(agency);
            }
        }
        changed.clear();
        rebuild = false;
        drawnAtLastPublication = view.drawn();
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
                betsStored, batchesStored, refusals, resultsWaiting, view.storeBytes(), List.copyOf(rows.values()),
                new ArrayList<>(ingest), view.closesAt());
    }

    /** The latest published status, or {@code null} before the first. Any thread. */
    CentralStatus latest() {
        return latest;
    }
}
