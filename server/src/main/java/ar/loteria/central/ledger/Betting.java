package ar.loteria.central.ledger;

import java.time.Instant;

/**
 * Whether new bets can still be stored: open, or closed by the draw or by the close of betting. A batch that is not
 * already stored gets DRAW_CLOSED once betting is closed.
 *
 * @param open whether new bets are taken
 * @param why  what closed it, for the refusal's reason ({@code null} while open)
 */
public record Betting(boolean open, String why) {

    public static final Betting OPEN = new Betting(true, null);
    public static final Betting DRAWN = new Betting(false, "the draw has already happened");

    /** {@link #DRAWN} once the draw has happened, else {@link #OPEN}. */
    public static Betting drawn(boolean drawn) {
        return drawn ? DRAWN : OPEN;
    }

    /**
     * Betting as it stands at {@code now}: closed once drawn, or from the close of betting on (which may come a
     * moment before the draw it makes), else open.
     *
     * @param closesAt the close of betting, or {@code null} when there is none (yet)
     */
    public static Betting at(Instant now, boolean drawn, Instant closesAt) {
        if (drawn) {
            return DRAWN;
        }
        if (LedgerRules.closed(closesAt, now)) {
            return new Betting(false, "betting closed at " + closesAt);
        }
        return OPEN;
    }
}
