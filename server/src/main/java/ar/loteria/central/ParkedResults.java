package ar.loteria.central;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RESULTS requests waiting for the draw, per connection: an agency's count, not a list, so a peer that asks a
 * million times before the draw costs one entry. A request is forgotten when its connection closes. Storage thread
 * only.
 */
final class ParkedResults {

    /** What a connection waits for: its agency's winners, so many times. */
    private static final class Waiting {
        final long agency;
        int times;

        Waiting(long agency) {
            this.agency = agency;
        }
    }

    /** Receives each waiting connection once, when the draw answers them. */
    interface Answer {
        void answer(AgencyConnection connection, long agency, int times);
    }

    private final Map<AgencyConnection, Waiting> waiting = new LinkedHashMap<>();
    private int requests;

    void park(AgencyConnection connection, long agency) {
        Waiting entry = waiting.get(connection);
        if (entry == null || entry.agency != agency) {
            entry = new Waiting(agency);
            waiting.put(connection, entry);
        }
        entry.times++;
        requests++;
    }

    void forget(AgencyConnection connection) {
        Waiting entry = waiting.remove(connection);
        if (entry != null) {
            requests -= entry.times;
        }
    }

    /** Requests waiting now. */
    int count() {
        return requests;
    }

    /** Hands every waiting connection to {@code answer}, in the order they first asked, and forgets them. */
    void answerAll(Answer answer) {
        waiting.forEach((connection, entry) -> answer.answer(connection, entry.agency, entry.times));
        waiting.clear();
        requests = 0;
    }
}
