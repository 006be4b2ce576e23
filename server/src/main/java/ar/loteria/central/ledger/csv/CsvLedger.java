package ar.loteria.central.ledger.csv;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.ledger.AgencyState;
import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.BatchGroup;
import ar.loteria.central.ledger.BatchPreparer;
import ar.loteria.central.ledger.Betting;
import ar.loteria.central.ledger.FinishDecision;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerRules;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The course's ledger: bets in one CSV file ({@link CsvBetStore}), the lottery's state (positions, who finished,
 * the draw) in memory. A restarted central reads the positions and the winning bets back from the file once, when
 * it opens; every row appended since is exactly the bytes of a batch stored here, so each batch's winners are taken
 * from the batch once its append has succeeded, and the draw reads nothing.
 * What it may store and when it draws is decided by {@link LedgerRules}; this class only persists.
 *
 * <p>Storage thread only, as every {@link Ledger}: opened, used and closed there.
 */
public final class CsvLedger implements Ledger {

    /** Renders each batch's rows on the event loop that received it. */
    static final BatchPreparer PREPARER = batch -> new Batch(batch.agency(), batch.first(), batch.bets(),
            RenderedRows.render(batch.agency(), batch.bets()));

    private final BetStore store;
    private final Path file;
    private final StreamPositions positions;
    private final WinnersIndex winners = new WinnersIndex();
    private final Draw draw;
    private final FinishLog finishes;
    private boolean closed;
    private final WriteIncident incident;
    private final Clock clock;
    private final CloseSettings close;
    private final CloseLog closeLog;
    /** When the lottery accepted its first FINISH, from which {@code DRAW_AFTER_SECONDS} counts. */
    private Instant firstFinish;

    /**
     * A ledger over an open store; its rows count as stored and are read for winners. Draws at once when no agency
     * has to finish.
     *
     * @param file             the store's file, for the log
     * @param agenciesToFinish how many distinct agencies must finish before the draw (0: draw at once)
     * @throws IOException when the existing rows cannot be read
     */
    public CsvLedger(BetStore store, Path file, int agenciesToFinish, Clock clock) throws IOException {
        this(store, file, agenciesToFinish, clock, null);
    }

    /**
     * As {@link #CsvLedger(BetStore, Path, int, Clock)}, with the agencies that finished before a restart taken
     * from {@code finishes} (and each new FINISH recorded there), so the draw carries on: made at once if they were
     * all there.
     *
     * @param finishes the store's finish log, or {@code null} to keep who finished in memory only
     */
    public CsvLedger(BetStore store, Path file, int agenciesToFinish, Clock clock, FinishLog finishes)
            throws IOException {
        this(store, file, agenciesToFinish, clock, finishes, CloseSettings.NONE, null);
    }

    /**
     * As above, with a close of betting: betting closes, and the draw is made, at {@code close}'s moment, or at the
     * one {@code closeLog} recorded before a restart.
     *
     * @param closeLog the store's close log, or {@code null} to keep the close in memory only
     */
    CsvLedger(BetStore store, Path file, int agenciesToFinish, Clock clock, FinishLog finishes, CloseSettings close,
              CloseLog closeLog) throws IOException {
        this.store = store;
        this.file = file;
        this.finishes = finishes;
        this.clock = clock;
        this.close = close;
        this.closeLog = closeLog;
        this.incident = new WriteIncident(file);
        this.positions = new StreamPositions(store.countsAtOpen());
        Map<Long, List<String>> found = new HashMap<>();
        store.winningDocuments(found);
        winners.addFound(found);
        this.draw = new Draw(agenciesToFinish, clock);
        if (finishes != null) {
            draw.restore(finishes);
        }
        if (closeLog != null) {
            firstFinish = closeLog.firstFinish();
        }
        drawIfDue();
    }

    /**
     * Opens (or creates) the file, counting its rows and cutting a half-written last row, and reads its winners.
     *
     * @param sync whether every append is forced to the disk before its batches are acknowledged
     * @throws UnusableStoreException when the bets file or its finish log cannot be opened or read: it names the
     *                                file and the cause
     */
    public static CsvLedger open(Path file, boolean sync, int agenciesToFinish) throws UnusableStoreException {
        return open(file, sync, agenciesToFinish, CloseSettings.NONE, Clock.systemDefaultZone());
    }

    /**
     * As {@link #open(Path, boolean, int)}, with a close of betting (recorded beside the store when configured).
     *
     * @param clock what the close is measured on
     */
    public static CsvLedger open(Path file, boolean sync, int agenciesToFinish, CloseSettings close, Clock clock)
            throws UnusableStoreException {
        boolean isNew = !Files.exists(file);
        CsvBetStore store = CsvBetStore.open(file, sync);
        FinishLog finishes = null;
        CloseLog closeLog = null;
        try {
            finishes = FinishLog.open(file, isNew, store.size(), store.countsAtOpen(), sync);
            closeLog = CloseLog.open(file, isNew, store.size(), close.enabled(), sync);
            return new CsvLedger(store, file, agenciesToFinish, clock, finishes, close, closeLog);
        } catch (IOException | RuntimeException e) {
            try {
                store.close();
                if (finishes != null) {
                    finishes.close();
                }
                if (closeLog != null) {
                    closeLog.close();
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException failed) {
                throw UnusableStoreException.of(file, failed);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public long stored(long agency) {
        return positions.of(agency);
    }

    @Override
    public BatchPreparer preparer() {
        return PREPARER;
    }

    @Override
    public List<Outcome> store(List<Batch> batches) {
        drawIfDue();
        BatchGroup group = LedgerRules.group(batches);
        group.decide(this::state, Betting.at(clock.instant(), draw.drawn(), closesAt()));
        List<Batch> accepted = group.accepted();
        if (accepted.isEmpty()) {
            return group.written();
        }
        List<RenderedRows> rows = new ArrayList<>(accepted.size());
        for (Batch batch : accepted) {
            rows.add(batch.prepared() instanceof RenderedRows rendered ? rendered
                    : RenderedRows.render(batch.agency(), batch.bets()));
        }
        try {
            store.append(rows);
        } catch (IOException | RuntimeException e) {
            // Nothing of the group stayed: its batches are refused, and only the incident's first gets lines.
            boolean firstOfIncident = incident.failed(e, group.writesNeeded());
            return group.notWritten(String.valueOf(e.getMessage()), firstOfIncident);
        }
        incident.written();
        for (Batch batch : accepted) {
            positions.advance(batch.agency(), batch.count());
            winners.addStored(batch.agency(), batch.bets());
        }
        return group.written();
    }

    /** What the rules decide from: the agency's position and whether it finished. */
    private AgencyState state(long agency) {
        return new AgencyState(positions.of(agency), draw.finished(agency));
    }

    @Override
    public Outcome finish(long agency, long total) {
        FinishDecision decision = LedgerRules.finish(agency, total, state(agency));
        if (decision.kind() == FinishDecision.Kind.COUNT_MISMATCH) {
            return decision.outcome();
        }
        Outcome outcome = Outcome.DONE;
        if (decision.toRecord()) {
            try {
                recordFirstFinish();
                if (finishes != null) {
                    // Recorded before it counts, so a central restarted after this FINISH_ACK knows of it.
                    finishes.record(agency, decision.stored(), storeBytes());
                }
            } catch (IOException e) {
                return decision.notRecorded(String.valueOf(e), true);
            }
            draw.finish(agency);
            outcome = decision.recorded(draw.finishedCount());
        }
        drawIfDue();
        return outcome;
    }

    /** The lottery's first accepted FINISH starts the count of {@code DRAW_AFTER_SECONDS}: kept beside the store. */
    private void recordFirstFinish() throws IOException {
        if (firstFinish != null || close.afterFirstFinish() == null) {
            return;
        }
        Instant now = clock.instant();
        if (closeLog != null) {
            closeLog.recordFirstFinish(now);
        }
        firstFinish = now;
    }

    @Override
    public Instant closesAt() {
        Instant recorded = closeLog == null ? null : closeLog.closedAt();
        return recorded != null ? recorded : LedgerRules.closesAt(close, firstFinish);
    }

    @Override
    public void timePassed() {
        drawIfDue();
    }

    /**
     * Makes the draw if the rules say it is due: every agency finished, or betting closed; a close is recorded
     * beside the store first (so a restart draws again, with the same winners) and logged with the agencies it
     * left unfinished.
     */
    private void drawIfDue() {
        Instant closesAt = closesAt();
        if (!LedgerRules.drawDue(draw.drawn(), draw.finishedCount(), draw.agenciesToFinish(), closesAt,
                clock.instant())) {
            return;
        }
        if (draw.finishedCount() < draw.agenciesToFinish()) {
            recordClose(closesAt);
            Map<Long, Long> unfinished = new HashMap<>();
            positions.all().forEach((agency, bets) -> {
                if (!draw.finished(agency)) {
                    unfinished.put(agency, bets);
                }
            });
            LedgerRules.announceClose(closesAt, draw.agenciesToFinish(), draw.finishedCount(), unfinished);
        }
        draw.draw(winners, positions.total());
    }

    private void recordClose(Instant at) {
        if (closeLog == null || closeLog.closedAt() != null) {
            return;
        }
        try {
            closeLog.recordClosed(at, storeBytes());
        } catch (IOException e) {
            // The draw is not held back by a disk: a restart with the same settings closes at the same moment.
            CentralLog.closeNotRecorded(closeLog.path(), String.valueOf(e.getMessage()));
        }
    }

    @Override
    public boolean drawn() {
        return draw.drawn();
    }

    @Override
    public List<String> winnersOf(long agency) {
        return draw.winnersOf(agency);
    }

    @Override
    public LedgerView view() {
        Set<Long> agencies = new HashSet<>(positions.all().keySet());
        agencies.addAll(draw.finishedAgencies());
        return viewOf(agencies);
    }

    @Override
    public LedgerView view(Collection<Long> agencies) {
        return viewOf(agencies);
    }

    /** The totals, and the tallies of those of {@code agencies} the ledger knows. */
    private LedgerView viewOf(Collection<Long> agencies) {
        List<AgencyTally> tallies = new ArrayList<>(agencies.size());
        for (long agency : agencies) {
            if (positions.has(agency) || draw.finished(agency)) {
                tallies.add(tally(agency));
            }
        }
        return new LedgerView(draw.agenciesToFinish(), draw.drawnAt(), storeBytes(), positions.total(),
                draw.finishedCount(), tallies, closesAt());
    }

    private AgencyTally tally(long agency) {
        return new AgencyTally(agency, positions.of(agency), draw.finished(agency),
                draw.drawn() ? draw.winnersOf(agency).size() : -1);
    }

    private long storeBytes() {
        try {
            return store.size();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long bytes = storeBytes();
        long syncs = store.syncs();
        try {
            store.close();
            if (finishes != null) {
                finishes.close();
            }
            if (closeLog != null) {
                closeLog.close();
            }
        } catch (IOException e) {
            CentralLog.notClosed("close_store", String.valueOf(e.getMessage()), "file", file);
            return;
        }
        if (syncs >= 0) {
            CentralLog.closed("close_store", "file", file, "bytes", bytes, "syncs", syncs);
        } else {
            CentralLog.closed("close_store", "file", file, "bytes", bytes);
        }
    }
}
