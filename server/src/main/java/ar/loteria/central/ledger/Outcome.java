package ar.loteria.central.ledger;

import ar.loteria.codec.ErrorCode;

/**
 * What became of a request: done, recognised as done before (a batch resent after a reconnect), or refused.
 *
 * @param kind   which of the three
 * @param code   why it was refused ({@code null} unless refused)
 * @param reason human-readable reason ({@code null} unless refused)
 */
public record Outcome(Kind kind, ErrorCode code, String reason) {

    /** The three outcomes. */
    public enum Kind { DONE, ALREADY_DONE, REFUSED }

    public static final Outcome DONE = new Outcome(Kind.DONE, null, null);
    public static final Outcome ALREADY_DONE = new Outcome(Kind.ALREADY_DONE, null, null);

    public static Outcome refused(ErrorCode code, String reason) {
        return new Outcome(Kind.REFUSED, code, reason);
    }

    /** Whether the agency gets a positive answer. */
    public boolean acknowledged() {
        return kind != Kind.REFUSED;
    }
}
