package ar.loteria.central.ledger;

import java.io.IOException;

/** The store cannot be used: the central does not start on it (exit 1), and the message says why. */
public class UnusableStoreException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnusableStoreException(String message) {
        super(message);
    }

    public UnusableStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
