package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.ledger.Outcome;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
 *
 * <p>A little longer than most classes here: the order of the checks a stored group goes through (PROTOCOL.md
 * section 7) is kept in one method, next to what it reads and moves.
 *
 * <p>Storage thread only, as every {@link Ledger}: opened, used and closed there.
 */
public final class CsvLedger implements Ledger {

    private final BetStore store;
    private final Path file;
    private final StreamPositions positions;
    private final WinnersIndex winners = new WinnersIndex();
    private final Draw draw;
    private final FinishLog finishes;
    private boolean closed;
    private final WriteIncident incident;

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
        this.store = store;
        this.file = file;
        this.finishes = finishes;
        this.incident = new WriteIncident(file);
        this.positions = new StreamPositions(store.countsAtOpen());
        Map<Long, List<String>> found = new HashMap<>();
        store.winningDocuments(found);
        winners.addFound(found);
        this.draw = new Draw(agenciesToFinish, clock);
        if (finishes != null) {
            draw.restore(finishes);
        }
        draw.drawIfDue(winners, positions.total());
    }

    /**
     * Opens (or creates) the file, counting its rows and cutting a half-written last row, and reads its winners.
     *
     * @param sync whether every append is forced to the disk before its batches are acknowledged
     * @throws UnusableStoreException when the bets file or its finish log cannot be opened or read: it names the
     *                                file and the cause
     */
    public static CsvLedger open(Path file, boolean sync, int agenciesToFinish) throws UnusableStoreException {
        boolean isNew = !Files.exists(file);
        CsvBetStore store = CsvBetStore.open(file, sync);
        FinishLog finishes = null;
        try {
            finishes = FinishLog.open(file, isNew, store.size(), store.countsAtOpen(), sync);
            return new CsvLedger(store, file, agenciesToFinish, Clock.systemDefaultZone(), finishes);
        } catch (IOException | RuntimeException e) {
            try {
                store.close();
                if (finishes != null) {
                    finishes.close();
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
    public List<Outcome> store(List<Batch> batches) {
        Outcome[] outcomes = new Outcome[batches.size()];
        // Positions as they will be once the accepted batches are written, so a batch can follow one of its group.
        Map<Long, Long> after = new HashMap<>();
        List<CsvRows> accepted = new ArrayList<>(batches.size());
        // Outcomes that hold only if the append succeeds: the accepted batches, and repeats of them.
        boolean[] needsAppend = new boolean[batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            Batch batch = batches.get(i);
            long agency = batch.agency();
            long have = after.getOrDefault(agency, positions.of(agency));
            if (batch.first() + batch.count() <= have) {
                CentralLog.batchRepeated(agency, batch.count());
                outcomes[i] = Outcome.ALREADY_DONE;
                needsAppend[i] = batch.first() + batch.count() > positions.of(agency);
                continue;
            }
            Outcome refusal = sequenceRefusal(batch, have);
            if (refusal != null) {
                CentralLog.batchRefused(batch.count(), agency, refusal.reason());
                outcomes[i] = refusal;
                continue;
            }
            accepted.add(batch.rows());
            after.put(agency, have + batch.count());
            outcomes[i] = Outcome.DONE;
            needsAppend[i] = true;
        }
        if (accepted.isEmpty()) {
            return List.of(outcomes);
        }
        try {
            store.append(accepted);
        } catch (IOException | RuntimeException e) {
            refuseUnwritten(batches, outcomes, needsAppend, e);
            return List.of(outcomes);
        }
        incident.written();
        for (CsvRows rows : accepted) {
            stored(rows);
        }
        return List.of(outcomes);
    }

    /**
     * The append failed and nothing of the group stayed: every batch that needed it is refused with
     * STORAGE_FAILURE (the agencies try again), and nothing moves. The first failure of an incident is logged with
     * its cause; batches refused after it only count, until the store writes again.
     */
    private void refuseUnwritten(List<Batch> batches, Outcome[] outcomes, boolean[] needsAppend, Exception e) {
        int refused = 0;
        for (boolean needed : needsAppend) {
            refused += needed ? 1 : 0;
        }
        boolean firstOfIncident = incident.failed(e, refused);
        for (int i = 0; i < outcomes.length; i++) {
            if (needsAppend[i]) {
                if (firstOfIncident) {
                    CentralLog.batchRefused(batches.get(i).count(), batches.get(i).agency(), String.valueOf(e));
                }
                outcomes[i] = Outcome.refused(ErrorCode.STORAGE_FAILURE, "the batch could not be stored: "
                        + e.getMessage());
            }
        }
    }

    /** Why a batch that is not a repeat cannot be stored now, or {@code null} when it can. */
    private Outcome sequenceRefusal(Batch batch, long have) {
        long agency = batch.agency();
        if (draw.drawn()) {
            return Outcome.refused(ErrorCode.DRAW_CLOSED, "the draw has already happened");
        }
        if (draw.finished(agency)) {
            return Outcome.refused(ErrorCode.BETS_AFTER_FINISH, "agency " + agency + " already finished");
        }
        if (batch.first() != have) {
            return Outcome.refused(ErrorCode.OUT_OF_SEQUENCE,
                    "batch starts at bet " + batch.first() + " but agency " + agency + " has " + have + " stored");
        }
        return null;
    }

    /** The bookkeeping of rows the store now holds. */
    private void stored(CsvRows rows) {
        long agency = rows.agency();
        List<Bet> bets = rows.bets();
        positions.advance(agency, bets.size());
        winners.addStored(agency, bets);
        if (CentralLog.perBetLinesOn()) {
            for (Bet bet : bets) {
                CentralLog.betStored(bet.document(), bet.number());
            }
        }
        CentralLog.batchStored(bets.size());
    }

    @Override
    public Outcome finish(long agency, long total) {
        long have = positions.of(agency);
        if (total != have) {
            String reason = "agency " + agency + " says it sent " + total + " bets but " + have + " are stored";
            CentralLog.finishRefused(agency, reason);
            return Outcome.refused(ErrorCode.COUNT_MISMATCH, reason);
        }
        if (!draw.finished(agency)) {
            if (finishes != null) {
                try {
                    // Recorded before it counts, so a central restarted after this FINISH_ACK knows of it.
                    finishes.record(agency, have, storeBytes());
                } catch (IOException e) {
                    CentralLog.finishRefused(agency, String.valueOf(e));
                    return Outcome.refused(ErrorCode.STORAGE_FAILURE, "the FINISH could not be recorded: "
                            + e.getMessage());
                }
            }
            draw.finish(agency);
            CentralLog.finished(agency, have, draw.finishedCount());
        }
        draw.drawIfDue(winners, positions.total());
        return Outcome.DONE;
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
        List<AgencyTally> tallies = new ArrayList<>(agencies.size());
        for (long agency : agencies) {
            tallies.add(tally(agency));
        }
        return new LedgerView(draw.agenciesToFinish(), draw.drawnAt(), storeBytes(), tallies);
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
