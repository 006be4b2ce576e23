package ar.loteria.central.config;

import java.util.Locale;

/**
 * SERVER_TRANSPORT: how the central's event loops do their I/O. {@link #AUTO} takes Netty's native epoll transport
 * where it loads (Linux on x86-64) and the JDK's selector elsewhere; the others ask for one, falling back to the
 * JDK's selector when it cannot load.
 */
public enum TransportSetting {
    AUTO, EPOLL, IO_URING, NIO;

    /** The setting a configured value names (auto, epoll, io_uring, nio; any case), or null. */
    static TransportSetting parse(String value) {
        for (TransportSetting setting : values()) {
            if (setting.name().equalsIgnoreCase(value.trim())) {
                return setting;
            }
        }
        return null;
    }

    /** As configured: auto, epoll, io_uring or nio. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
