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
public record AgencyOutcome(ExitStatus status, List<String> winners) {

    public AgencyOutcome {
        Objects.requireNonNull(status, "status");
        winners = List.copyOf(winners);
    }

    static AgencyOutcome winners(List<String> documents) {
        return new AgencyOutcome(ExitStatus.SUCCESS, documents);
    }

    static AgencyOutcome failure(ExitStatus status) {
        return new AgencyOutcome(status, List.of());
    }
}
