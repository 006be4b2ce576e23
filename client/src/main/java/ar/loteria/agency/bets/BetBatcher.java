package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Frames;
import ar.loteria.codec.MessageEncoder;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a {@link BetSource} into {@link BetBatch}es: each holds at most {@code maxAmount} bets and fits one frame
 * ({@link MessageEncoder#BATCH_HEADER_BYTES} plus the bets' {@link MessageEncoder#betBytes} within
 * {@link Frames#MAX_PAYLOAD_BYTES}). A batch is cut short only when the next bet would not fit; that bet opens the
 * next batch. {@code first} counts on from the position given, so indexes stay continuous. Not thread-safe.
 */
public final class BetBatcher {

    /** Most bets a batch can carry: its count is a u16 on the wire. */
    public static final int MAX_AMOUNT = 0xFFFF;

    private final long agency;
    private final int maxAmount;
    private final BetSource source;
    private long position;
    /** A bet read but left out of the previous batch because it did not fit. */
    private Bet pending;

    /**
     * @param agency    agency id written in every batch
     * @param maxAmount most bets per batch, 1..65535
     * @param source    the bets, already positioned at {@code first}
     * @param first     stream index of the source's next bet
     */
    public BetBatcher(long agency, int maxAmount, BetSource source, long first) {
        if (maxAmount < 1 || maxAmount > MAX_AMOUNT) {
            throw new IllegalArgumentException("maxAmount must be 1.." + MAX_AMOUNT);
        }
        this.agency = agency;
        this.maxAmount = maxAmount;
        this.source = source;
        this.position = first;
    }

    /** The next batch, or {@code null} when the source is exhausted. */
    public BetBatch next() throws IOException, BetFileException {
        List<Bet> bets = new ArrayList<>(Math.min(maxAmount, 256));
        int bytes = MessageEncoder.BATCH_HEADER_BYTES;
        if (pending != null) {
            bytes += MessageEncoder.betBytes(pending);
            bets.add(pending);
            pending = null;
        }
        while (bets.size() < maxAmount) {
            Bet bet = source.next();
            if (bet == null) {
                break;
            }
            int size = MessageEncoder.betBytes(bet);
            if (bytes + size > Frames.MAX_PAYLOAD_BYTES) {
                if (bets.isEmpty()) {
                    throw new IllegalStateException("a bet of " + size + " bytes cannot fit any frame");
                }
                pending = bet;
                break;
            }
            bytes += size;
            bets.add(bet);
        }
        if (bets.isEmpty()) {
            return null;
        }
        BetBatch batch = new BetBatch(agency, position, bets);
        position += bets.size();
        return batch;
    }

    /** Stream index of the next bet to batch: after the last batch, the total number of bets. */
    public long position() {
        return position;
    }
}
