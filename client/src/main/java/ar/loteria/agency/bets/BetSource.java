package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;

import java.io.Closeable;
import java.io.IOException;

/** An open stream of one agency's bets, in order. Used by one thread at a time. */
public interface BetSource extends Closeable {

    /** The next bet, or {@code null} when there are no more. */
    Bet next() throws IOException, BetFileException;
}
