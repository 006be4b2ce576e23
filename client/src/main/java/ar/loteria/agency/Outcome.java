package ar.loteria.agency;

import java.util.List;
import java.util.Objects;

/**
 * How one run of the agency ended.
 *
 * @param status  the exit status
 * @param winners the documents of the agency's winners, in the central's order; empty unless {@code status} is
 *                {@link ExitStatus#SUCCESS}
 */
public record Outcome(ExitStatus status, List<String> winners) {

    public Outcome {
        Objects.requireNonNull(status, "status");
        winners = List.copyOf(winners);
    }

    static Outcome winners(List<String> documents) {
        return new Outcome(ExitStatus.SUCCESS, documents);
    }

    static Outcome failure(ExitStatus status) {
        return new Outcome(status, List.of());
    }
}
