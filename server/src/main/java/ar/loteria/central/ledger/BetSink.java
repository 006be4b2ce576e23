package ar.loteria.central.ledger;

import ar.loteria.codec.Bet;

import java.io.IOException;
import java.util.List;

/** Takes stored bets as a store reads them back (an export): some bets of one agency at a time, in its order. */
@FunctionalInterface
public interface BetSink {

    void accept(long agency, List<Bet> bets) throws IOException;
}
