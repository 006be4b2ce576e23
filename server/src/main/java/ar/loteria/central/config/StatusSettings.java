package ar.loteria.central.config;

/**
 * The operator's view: an HTTP listener of its own beside the bets port.
 *
 * @param port  STATUS_PORT; 0 turns the view off
 * @param bind  STATUS_BIND, the interface to listen on ({@code 0.0.0.0}: all)
 * @param token STATUS_TOKEN, the bearer token every endpoint but {@code /health} asks for; {@code null}: none
 */
public record StatusSettings(int port, String bind, String token) {

    /** No operator's view (what tests get unless they ask for one). */
    public static final StatusSettings OFF = new StatusSettings(0, "0.0.0.0", null);

    public boolean enabled() {
        return port != 0;
    }
}
