package ar.loteria.central.ledger;

/**
 * Whether new bets can still be stored: open, or closed by the draw. A batch that is not already stored gets
 * DRAW_CLOSED once betting is closed.
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
}
