package ar.loteria.agency;

import ar.loteria.agency.bets.BetFileException;

/**
 * What a {@link BatchSender} tells its {@link AgencyHandler}, as a user event fired on the channel's pipeline
 * (which Netty hands to the event loop).
 */
sealed interface SenderEvent {

    /** The input is counted and checked, before any batch is written: it holds {@code total} bets in all. */
    record Counted(long total) implements SenderEvent {
    }

    /** Every batch is written; {@code total} counts all the agency's bets, the skipped ones included. */
    record AllSent(long total) implements SenderEvent {
    }

    /** The bets could not be read; nothing more will be sent. */
    record Failed(BetFileException error) implements SenderEvent {
    }
}
