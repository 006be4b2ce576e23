package ar.loteria.codec;

import java.util.List;

/**
 * A batch of bets of one agency.
 *
 * @param agency agency id the bets belong to
 * @param first  position of the first bet in the agency's stream (0 for its first bet ever); lets the central
 *               recognise a batch it already stored when an agency resends after a reconnect
 * @param bets   one or more bets, in the agency's order
 */
public record BetBatch(long agency, long first, List<Bet> bets) implements Message {

    public BetBatch {
        // Decoded bets are already immutable, and copying them would build every Bet.
        bets = bets instanceof WireBets ? bets : List.copyOf(bets);
    }

    @Override
    public MessageType type() {
        return MessageType.BETS;
    }
}
