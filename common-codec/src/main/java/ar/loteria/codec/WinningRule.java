package ar.loteria.codec;

/**
 * The lottery's one rule for a winner: a bet wins when its number is {@link #NUMBER}. The central's draw, its
 * reading of a stored file, the agency's data generator and the benchmarks all ask here.
 */
public final class WinningRule {

    /** The number that wins. */
    public static final int NUMBER = 7574;

    private WinningRule() {
    }

    /** Whether a bet on {@code number} wins. */
    public static boolean wins(int number) {
        return number == NUMBER;
    }
}
