package ar.loteria.agency;

/**
 * How the agency process ends; {@link #code()} is its exit code.
 *
 * <ul>
 *   <li>{@code 0} {@link #SUCCESS}: the winners arrived (after the draw, or after the central closed the betting),
 *       or SIGTERM stopped the agency in order.</li>
 *   <li>{@code 1} {@link #CONFIG_ERROR}: a missing or malformed setting (config.yaml or environment), or a bad
 *       command line.</li>
 *   <li>{@code 2} {@link #BETS_FILE_ERROR}: the bets file is missing, unreadable or holds a bad record.</li>
 *   <li>{@code 3} {@link #SERVER_UNREACHABLE}: no central answered (a connection and its WELCOME) within the retry
 *       budget: none reachable, or each closing the connection or leaving HELLO unanswered.</li>
 *   <li>{@code 4} {@link #REFUSED}: the central refused the agency (an ERROR reply), or broke the protocol, or
 *       the TLS handshake failed.</li>
 * </ul>
 */
public enum ExitStatus {
    SUCCESS(0),
    CONFIG_ERROR(1),
    BETS_FILE_ERROR(2),
    SERVER_UNREACHABLE(3),
    REFUSED(4);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }
}
