package ar.loteria.central.status;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code /status.json} document, rendered once per published status, count of open connections and readiness
 * (the two it shows live), and served again to every request until one of them changes: a client that asks in a
 * loop costs the status thread a write, not a render of every agency. Thread-safe: the last render is swapped
 * whole.
 */
final class StatusDocument {

    /** One render and what it was made from. */
    private record Render(CentralStatus status, int connections, Readiness readiness, byte[] bytes) {
    }

    private final StatusSource source;
    private final AtomicReference<Render> last = new AtomicReference<>();

    StatusDocument(StatusSource source) {
        this.source = source;
    }

    /** The document as of now, as UTF-8 bytes nobody may write to. Any thread. */
    byte[] bytes() {
        CentralStatus status = source.status();
        int connections = source.openConnections();
        Readiness readiness = source.readiness();
        Render cached = last.get();
        if (cached != null && cached.status() == status && cached.connections() == connections
                && cached.readiness() == readiness) {
            return cached.bytes();
        }
        byte[] bytes = StatusJson.document(status, connections, readiness).getBytes(StandardCharsets.UTF_8);
        last.set(new Render(status, connections, readiness, bytes));
        return bytes;
    }
}
