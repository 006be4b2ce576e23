package ar.loteria.central.storage;

import java.io.IOException;

/** The bets file holds a complete row that is not a stored bet: the central will not append to it. */
public final class CorruptStoreException extends IOException {

    private static final long serialVersionUID = 1L;

    public CorruptStoreException(String message) {
        super(message);
    }
}
