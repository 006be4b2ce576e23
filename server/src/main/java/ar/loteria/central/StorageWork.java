package ar.loteria.central;

import ar.loteria.central.ledger.Batch;
import ar.loteria.codec.ErrorReply;

/**
 * A message waiting in the {@link StorageDispatcher}'s queue for the storage thread, with the connection its answer
 * goes to. Immutable: created on an event loop, read on the storage thread.
 */
sealed interface StorageWork {

    /** The connection that sent it and waits for its answer, or {@code null} for work that answers nobody. */
    AgencyConnection from();

    /** HELLO: WELCOME with what the store holds for the agency. */
    record Hello(AgencyConnection from, long agency) implements StorageWork {
    }

    /** A validated batch, prepared for the ledger's store on the event loop. */
    record Bets(AgencyConnection from, Batch batch) implements StorageWork {
    }

    /** FINISH with the total the agency says it sent. */
    record Finish(AgencyConnection from, long agency, long total) implements StorageWork {
    }

    /** RESULTS: the agency's winners now, or when the draw happens. */
    record Results(AgencyConnection from, long agency) implements StorageWork {
    }

    /** An ERROR decided on the event loop that must wait its turn behind the connection's earlier messages. */
    record Refusal(AgencyConnection from, ErrorReply error, boolean closes) implements StorageWork {
    }

    /** A connection bound to {@code agency} closed: its parked RESULTS are forgotten. Answers nobody. */
    record Closed(AgencyConnection connection, long agency) implements StorageWork {
        @Override
        public AgencyConnection from() {
            return null;
        }
    }

    /** The moment the ledger asked for has come (the close of betting): it may draw now. Answers nobody. */
    record Tick() implements StorageWork {
        @Override
        public AgencyConnection from() {
            return null;
        }
    }

    /** The ledger learned of the draw by itself (another central drew): answer what is parked. */
    record DrawLearned() implements StorageWork {
        @Override
        public AgencyConnection from() {
            return null;
        }
    }
}
