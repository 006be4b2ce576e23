package ar.loteria.central.draw;

import ar.loteria.central.storage.BetStore;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.Bet;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.WireBets;
import ar.loteria.logging.ActionLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The central's state: bets stored per agency, who has finished, the draw and its winners, and the agencies
 * waiting for them. It never sees a channel; answers go out through the callbacks it is handed.
 *
 * <p>The winners are the stored bets on {@link #WINNING_NUMBER}. Rows the store held when it was opened are read
 * back from it once, here; every row appended since is exactly the bytes of a batch this class stored, so a
 * batch's winners are taken from the batch itself once its append has succeeded (a failed append leaves nothing in
 * the file and no winner). The draw then reads nothing: it hands out what was found.
 *
 * <p>Storage executor only: every method runs on that one thread, whose queue order is the order of events, so
 * the class holds no locks.
 */
public final class Lottery {

    /** The number that wins. */
    public static final int WINNING_NUMBER = 7574;

    private static final Logger LOG = LoggerFactory.getLogger(Lottery.class);

    private final BetStore store;
    private final int agenciesToFinish;
    private final Map<Long, Long> stored;
    private final Set<Long> finished = new HashSet<>();
    private final Map<Long, List<Consumer<List<String>>>> waiting = new HashMap<>();
    private Map<Long, List<String>> winners;
    /** Documents of the stored bets on the winning number, per agency. */
    private final Map<Long, List<String>> found = new HashMap<>();

    /**
     * @param store            where bets go; its existing rows count as stored, and are read for winners
     * @param agenciesToFinish how many distinct agencies must finish before the draw (0: draw at once)
     * @throws IOException when the existing rows cannot be read
     */
    public Lottery(BetStore store, int agenciesToFinish) throws IOException {
        this.store = store;
        this.agenciesToFinish = agenciesToFinish;
        this.stored = new HashMap<>(store.countsAtOpen());
        store.documentsOfBetsOn(WINNING_NUMBER, 0, found);
    }

    /** Draws at once when no agency has to finish first. */
    public void start() {
        drawIfDue();
    }

    /** Bets of {@code agency} in the store. */
    public long stored(long agency) {
        return stored.getOrDefault(agency, 0L);
    }

    /** Whether the draw has happened. */
    public boolean drawn() {
        return winners != null;
    }

    /** A validated, rendered batch and its position in its agency's stream. */
    public record Batch(CsvRows rows, long first) {
    }

    /**
     * Stores a batch that has already been validated and rendered, unless the agency finished, the batch was stored
     * before (acknowledged again, not stored twice), or it does not continue where the agency's bets end.
     *
     * @param first the batch's position in the agency's stream
     */
    public Outcome store(CsvRows rows, long first) {
        return store(List.of(new Batch(rows, first))).get(0);
    }

    /**
     * Stores batches in order, as {@link #store(CsvRows, long)} does one by one, but with the rows of all the
     * accepted ones handed to the store in one append. If that append fails, nothing of it stays and every batch
     * that needed it is refused with {@link ErrorCode#STORAGE_FAILURE}.
     *
     * @return one outcome per batch, in order; each success line is logged before this returns
     */
    public List<Outcome> store(List<Batch> batches) {
        Outcome[] outcomes = new Outcome[batches.size()];
        // Counts as they will be once the accepted batches are written, so a batch can follow one of the same group.
        Map<Long, Long> after = new HashMap<>();
        List<CsvRows> accepted = new ArrayList<>(batches.size());
        // Outcomes that hold only if the append succeeds: the accepted batches, and repeats of them.
        boolean[] needsAppend = new boolean[batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            CsvRows rows = batches.get(i).rows();
            long first = batches.get(i).first();
            long agency = rows.agency();
            int count = rows.bets().size();
            long have = after.getOrDefault(agency, stored(agency));
            if (first + count <= have) {
                LOG.info("{}", ActionLine.success("lote_repetido").with("agency", agency).with("apuestas", count));
                outcomes[i] = Outcome.ALREADY_DONE;
                needsAppend[i] = first + count > stored(agency);
                continue;
            }
            Outcome refusal = null;
            if (drawn()) {
                refusal = Outcome.refused(ErrorCode.DRAW_CLOSED, "the draw has already happened");
            } else if (finished.contains(agency)) {
                refusal = Outcome.refused(ErrorCode.BETS_AFTER_FINISH, "agency " + agency + " already finished");
            } else if (first != have) {
                refusal = Outcome.refused(ErrorCode.OUT_OF_SEQUENCE,
                        "batch starts at bet " + first + " but agency " + agency + " has " + have + " stored");
            }
            if (refusal != null) {
                LOG.error("{}", ActionLine.fail("apuesta_recibida").with("cantidad", count).with("agency", agency)
                        .withError(refusal.reason()));
                outcomes[i] = refusal;
                continue;
            }
            accepted.add(rows);
            after.put(agency, have + count);
            outcomes[i] = Outcome.DONE;
            needsAppend[i] = true;
        }
        if (!accepted.isEmpty()) {
            try {
                store.append(accepted);
            } catch (IOException | RuntimeException e) {
                refuseUnstored(batches, outcomes, needsAppend, e);
                return List.of(outcomes);
            }
            for (CsvRows rows : accepted) {
                stored(rows);
            }
        }
        return List.of(outcomes);
    }

    /** The bookkeeping of rows the store now holds. */
    private void stored(CsvRows rows) {
        long agency = rows.agency();
        List<Bet> bets = rows.bets();
        stored.merge(agency, (long) bets.size(), Long::sum);
        collectWinners(agency, bets);
        if (LOG.isDebugEnabled()) {
            for (Bet bet : bets) {
                LOG.debug("{}", ActionLine.success("apuesta_almacenada").with("dni", bet.document())
                        .with("numero", bet.number()));
            }
        }
        LOG.info("{}", ActionLine.success("apuesta_recibida").with("cantidad", bets.size()));
    }

    private static void refuseUnstored(List<Batch> batches, Outcome[] outcomes, boolean[] needsAppend, Exception e) {
        for (int i = 0; i < outcomes.length; i++) {
            if (needsAppend[i]) {
                CsvRows rows = batches.get(i).rows();
                LOG.error("{}", ActionLine.fail("apuesta_recibida").with("cantidad", rows.bets().size())
                        .with("agency", rows.agency()).withError(String.valueOf(e)));
                outcomes[i] = Outcome.refused(ErrorCode.STORAGE_FAILURE, "the batch could not be stored");
            }
        }
    }

    /**
     * Records that {@code agency} has sent all its bets, and draws once enough agencies have. A repeated FINISH
     * counts once.
     *
     * @param total the bets the agency says it sent
     * @return done, or refused when the total does not match the stored bets
     */
    public Outcome finish(long agency, long total) {
        long have = stored(agency);
        if (total != have) {
            String reason = "agency " + agency + " says it sent " + total + " bets but " + have + " are stored";
            LOG.error("{}", ActionLine.fail("fin_apuestas").with("agency", agency).withError(reason));
            return Outcome.refused(ErrorCode.COUNT_MISMATCH, reason);
        }
        if (finished.add(agency)) {
            LOG.info("{}", ActionLine.success("fin_apuestas").with("agency", agency).with("apuestas", have)
                    .with("agencias_listas", finished.size()));
        }
        drawIfDue();
        return Outcome.DONE;
    }

    /**
     * Hands {@code agency}'s winners to {@code answer}: now if the draw has happened, else the moment it does.
     *
     * @return whether the request had to wait
     */
    public boolean whenDrawn(long agency, Consumer<List<String>> answer) {
        if (drawn()) {
            answer.accept(winners.getOrDefault(agency, List.of()));
            return false;
        }
        waiting.computeIfAbsent(agency, a -> new ArrayList<>(1)).add(answer);
        return true;
    }

    /** Forgets a waiting request whose connection has gone. */
    public void forget(long agency, Consumer<List<String>> answer) {
        List<Consumer<List<String>>> answers = waiting.get(agency);
        if (answers != null && answers.remove(answer) && answers.isEmpty()) {
            waiting.remove(agency);
        }
    }

    /** Requests waiting for the draw. */
    public int waitingCount() {
        int count = 0;
        for (List<Consumer<List<String>>> answers : waiting.values()) {
            count += answers.size();
        }
        return count;
    }

    /** Stored bets of {@code agency} on the winning number join the winners; numbers are ints, no bytes are read. */
    private void collectWinners(long agency, List<Bet> bets) {
        WireBets wire = bets instanceof WireBets decoded ? decoded : null;
        for (int i = 0; i < bets.size(); i++) {
            if ((wire != null ? wire.number(i) : bets.get(i).number()) == WINNING_NUMBER) {
                String document = wire != null ? wire.text(i, WireBets.DOCUMENT) : bets.get(i).document();
                found.computeIfAbsent(agency, a -> new ArrayList<>()).add(document);
            }
        }
    }

    private void drawIfDue() {
        if (drawn() || finished.size() < agenciesToFinish) {
            return;
        }
        long started = System.nanoTime();
        Map<Long, List<String>> kept = new HashMap<>();
        found.forEach((agency, documents) -> kept.put(agency, List.copyOf(documents)));
        winners = kept;
        int total = kept.values().stream().mapToInt(List::size).sum();
        LOG.info("{}", ActionLine.success("sorteo"));
        // Named apart from "sorteo", so that scripts counting the draw line find exactly one.
        LOG.info("{}", ActionLine.success("draw_winners").with("bets", stored.values().stream()
                .mapToLong(Long::longValue).sum()).with("winners", total)
                .with("ms", (System.nanoTime() - started) / 1_000_000));
        Map<Long, List<Consumer<List<String>>>> answering = new HashMap<>(waiting);
        waiting.clear();
        answering.forEach((agency, answers) -> {
            List<String> documents = winners.getOrDefault(agency, List.of());
            answers.forEach(answer -> answer.accept(documents));
        });
    }
}
