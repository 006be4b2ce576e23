package ar.loteria.central.ledger;

import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;

/**
 * The decisions for one group of batches that a ledger stores in one write (PROTOCOL.md section 7, in the order of
 * its checks): each batch, in order, is a repeat (wholly stored already: acknowledged again, not stored twice),
 * refused with DRAW_CLOSED, BETS_AFTER_FINISH or OUT_OF_SEQUENCE (a gap or a partial overlap), or accepted; a batch
 * may follow one accepted earlier in the same group. The ledger supplies each agency's state, writes {@link
 * #accepted()}, then reports how the write went ({@link #written()}, {@link #notWritten}, {@link #undecided}); the
 * outcomes and the log lines come from here, once, in the batches' order, so each line precedes its answer.
 *
 * <p>Made by {@link LedgerRules#group}; storage thread only, one per group.
 */
public final class BatchGroup {

    private final List<Batch> batches;
    private final Outcome[] outcomes;
    /** Whether a batch's outcome holds only if the group's write succeeds (accepted, or a repeat of one). */
    private final boolean[] needsWrite;
    /** Whether a batch was decided before {@link #decide} (a repeat known without asking the store). */
    private final boolean[] early;
    private final List<Batch> accepted = new ArrayList<>();
    private final Map<Long, Long> after = new HashMap<>();
    private final Map<Long, Long> stateStored = new HashMap<>();

    BatchGroup(List<Batch> batches) {
        this.batches = List.copyOf(batches);
        this.outcomes = new Outcome[batches.size()];
        this.needsWrite = new boolean[batches.size()];
        this.early = new boolean[batches.size()];
    }

    /**
     * Marks as repeats the batches that lie wholly below what the ledger knows to be stored without asking its store
     * (a lower bound), so a store that cannot answer still acknowledges what it surely holds.
     */
    public void repeatsBelow(LongUnaryOperator knownStored) {
        for (int i = 0; i < outcomes.length; i++) {
            Batch batch = batches.get(i);
            if (outcomes[i] == null && batch.end() <= knownStored.applyAsLong(batch.agency())) {
                outcomes[i] = Outcome.ALREADY_DONE;
                early[i] = true;
            }
        }
    }

    /** Whether every batch is decided already. */
    public boolean decided() {
        for (Outcome outcome : outcomes) {
            if (outcome == null) {
                return false;
            }
        }
        return true;
    }

    /** The agencies of the batches left for {@link #decide}, in order of first appearance. */
    public Set<Long> undecidedAgencies() {
        Set<Long> agencies = new LinkedHashSet<>();
        for (int i = 0; i < outcomes.length; i++) {
            if (!early[i]) {
                agencies.add(batches.get(i).agency());
            }
        }
        return agencies;
    }

    /**
     * Decides every batch not decided early, in order, against each agency's state before the group. May be called
     * again (a store that met another writer decides afresh on what it then reads).
     *
     * @param before  each agency's state in the store before this group
     * @param betting whether new bets are still taken
     */
    public void decide(LongFunction<AgencyState> before, Betting betting) {
        accepted.clear();
        after.clear();
        stateStored.clear();
        Map<Long, AgencyState> states = new HashMap<>();
        for (int i = 0; i < outcomes.length; i++) {
            if (early[i]) {
                continue;
            }
            Batch batch = batches.get(i);
            long agency = batch.agency();
            AgencyState state = states.computeIfAbsent(agency, before::apply);
            stateStored.putIfAbsent(agency, state.stored());
            long have = after.getOrDefault(agency, state.stored());
            if (batch.end() <= have) {
                outcomes[i] = Outcome.ALREADY_DONE;
                needsWrite[i] = batch.end() > state.stored();
            } else {
                outcomes[i] = refusal(batch, state, have, betting);
                needsWrite[i] = outcomes[i] == null;
                if (outcomes[i] == null) {
                    outcomes[i] = Outcome.DONE;
                    accepted.add(batch);
                    after.put(agency, batch.end());
                }
            }
        }
    }

    /** Why a batch that is not a repeat cannot be stored, or {@code null} when it can. */
    private static Outcome refusal(Batch batch, AgencyState state, long have, Betting betting) {
        long agency = batch.agency();
        if (!betting.open()) {
            return Outcome.refused(ErrorCode.DRAW_CLOSED, betting.why() + "; agency " + agency + " has " + have
                    + " bets stored");
        }
        if (state.finished()) {
            return Outcome.refused(ErrorCode.BETS_AFTER_FINISH, "agency " + agency + " already finished");
        }
        if (batch.first() != have) {
            return Outcome.refused(ErrorCode.OUT_OF_SEQUENCE,
                    "batch starts at bet " + batch.first() + " but agency " + agency + " has " + have + " stored");
        }
        return null;
    }

    /** How many batches' outcomes hold only if the write succeeds (those {@link #notWritten} refuses). */
    public int writesNeeded() {
        int needed = 0;
        for (boolean needs : needsWrite) {
            needed += needs ? 1 : 0;
        }
        return needed;
    }

    /** How many batches {@link #decide} decides: all but the repeats known early. */
    public int pending() {
        int pending = 0;
        for (boolean known : early) {
            pending += known ? 0 : 1;
        }
        return pending;
    }

    /** The batches to write, in order. */
    public List<Batch> accepted() {
        return accepted;
    }

    /** Per agency with an accepted batch: its stored bets once the accepted batches are in. */
    public Map<Long, Long> positionsAfter() {
        return after;
    }

    /** Per agency decided: its stored bets as the ledger said before the group. */
    public Map<Long, Long> positionsBefore() {
        return stateStored;
    }

    /** The accepted batches are in the store: every outcome holds. Logs each batch's line. */
    public List<Outcome> written() {
        for (int i = 0; i < outcomes.length; i++) {
            log(i, true);
        }
        return List.of(outcomes);
    }

    /**
     * The write failed and left nothing of the group: the batches that needed it are refused with STORAGE_FAILURE
     * (the agencies try again); the other decisions stand.
     *
     * @param cause   why, for the reason and the log
     * @param logEach whether each refusal gets its line (not while an incident the ledger already logged goes on)
     */
    public List<Outcome> notWritten(String cause, boolean logEach) {
        for (int i = 0; i < outcomes.length; i++) {
            if (needsWrite[i]) {
                outcomes[i] = storageFailure(cause);
            }
            log(i, logEach || !needsWrite[i]);
        }
        return List.of(outcomes);
    }

    /**
     * The store could not even decide (it could not be read, or its transaction failed): every batch but the
     * repeats known early is refused with STORAGE_FAILURE.
     */
    public List<Outcome> undecided(String cause, boolean logEach) {
        Arrays.fill(needsWrite, false);
        for (int i = 0; i < outcomes.length; i++) {
            if (!early[i]) {
                outcomes[i] = storageFailure(cause);
            }
            log(i, logEach || early[i]);
        }
        return List.of(outcomes);
    }

    private static Outcome storageFailure(String cause) {
        return Outcome.refused(ErrorCode.STORAGE_FAILURE, "the batch could not be stored: " + cause);
    }

    private void log(int i, boolean logged) {
        if (!logged) {
            return;
        }
        Batch batch = batches.get(i);
        Outcome outcome = outcomes[i];
        if (outcome.kind() == Outcome.Kind.DONE) {
            if (CentralLog.perBetLinesOn()) {
                for (Bet bet : batch.bets()) {
                    CentralLog.betStored(bet.document(), bet.number());
                }
            }
            CentralLog.batchStored(batch.count());
        } else if (outcome.kind() == Outcome.Kind.ALREADY_DONE) {
            CentralLog.batchRepeated(batch.agency(), batch.count());
        } else {
            CentralLog.batchRefused(batch.count(), batch.agency(), outcome.reason());
        }
    }
}
