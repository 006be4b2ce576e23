package ar.loteria.central.status;

/** The status port (STATUS_PORT on STATUS_BIND) could not be bound: the central does not start. */
public final class StatusPortException extends Exception {

    private final int port;
    private final String bind;

    public StatusPortException(int port, String bind, Throwable cause) {
        super("STATUS_PORT " + port + " on " + bind + " cannot be bound (" + reason(cause)
                + "); set STATUS_PORT to a free port, or to 0 to turn the status page off", cause);
        this.port = port;
        this.bind = bind;
    }

    private static String reason(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    public int port() {
        return port;
    }

    public String bind() {
        return bind;
    }
}
