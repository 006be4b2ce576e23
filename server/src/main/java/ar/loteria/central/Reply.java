package ar.loteria.central;

import ar.loteria.codec.Message;
import ar.loteria.codec.Winners;

import java.util.List;

/**
 * An answer from the storage side on its way to a connection's event loop: messages to write, so many times, and
 * what the answer settles for the connection's counters. Immutable.
 *
 * @param to        the connection
 * @param messages  what to write, in order (none: the message was handled without an answer, a parked RESULTS)
 * @param times     how many times to write them (a connection that asked for its winners that often)
 * @param closes    whether the connection closes once the last message is flushed
 * @param completes whether this settles one of the connection's waiting messages
 * @param batch     whether that message was a batch, which frees a place in the budget of waiting batches
 */
record Reply(AgencyConnection to, List<? extends Message> messages, int times, boolean closes, boolean completes,
             boolean batch) {

    /** The one answer to a message of {@code to}. */
    static Reply to(AgencyConnection to, Message message) {
        return new Reply(to, List.of(message), 1, false, true, false);
    }

    /** The answer to a message, in several parts (WINNERS). */
    static Reply to(AgencyConnection to, List<? extends Message> messages) {
        return new Reply(to, messages, 1, false, true, false);
    }

    /** The answer to a batch. */
    static Reply toBatch(AgencyConnection to, Message message, boolean closes) {
        return new Reply(to, List.of(message), 1, closes, true, true);
    }

    /** An ERROR, closing the connection after it when {@code closes}. */
    static Reply error(AgencyConnection to, Message error, boolean closes) {
        return new Reply(to, List.of(error), 1, closes, true, false);
    }

    /** A message handled without an answer now (a RESULTS parked until the draw). */
    static Reply handled(AgencyConnection to) {
        return new Reply(to, List.of(), 1, false, true, false);
    }

    /** Whether it carries an agency's winners: the answer to {@link #times()} RESULTS requests. */
    boolean answersResults() {
        return !messages.isEmpty() && messages.get(0) instanceof Winners;
    }

    /** Winners for requests parked earlier: they were settled when parked, so nothing is counted again. */
    static Reply parkedAnswer(AgencyConnection to, List<? extends Message> parts, int times) {
        return new Reply(to, parts, times, false, false, false);
    }
}
