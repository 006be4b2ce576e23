package ar.loteria.agency.config;

import ar.loteria.codec.Bet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The agency's settings, read once at start by {@link AgencyConfigLoader} and validated. Immutable.
 *
 * @param agencyId       agency id, 1 or more ({@code CLI_ID} or {@code id})
 * @param serverAddress  {@code host:port}, or a comma-separated list of them, as configured ({@code server.address})
 * @param centrals       the entries of that list, in order: the centrals this agency may dial
 * @param loopAmount     {@code loop.amount}, accepted for compatibility and unused
 * @param loopPeriod     {@code loop.period} as written ({@code 5s}, {@code 100ms}), accepted and unused
 * @param logLevel       {@code log.level} as written
 * @param batchMaxAmount most bets per batch ({@code batch.maxAmount}), 1..65535
 * @param dataFile       the bets file ({@code CLI_DATA_FILE}, default {@code ./.data/agency-ID.csv})
 * @param token          the agency's shared secret ({@code CLI_TOKEN} or {@code auth.token}), empty when none
 * @param singleBet      the one bet to send instead of the file, when {@code NOMBRE}, {@code APELLIDO},
 *                       {@code DOCUMENTO}, {@code NACIMIENTO} and {@code NUMERO} are all set
 * @param tls            TLS towards the central ({@code tls.enabled} / {@code CLI_TLS}), off by default
 * @param answerTimeout  how long a request the central answers at once (HELLO, BETS, FINISH) may go unanswered
 *                       before the agency drops the connection, and how often it asks while it waits for the
 *                       draw ({@code server.answerTimeout} / {@code CLI_SERVER_ANSWERTIMEOUT}); zero: never
 */
public record AgencyConfig(long agencyId, String serverAddress, List<CentralAddress> centrals, int loopAmount,
                           String loopPeriod, String logLevel, int batchMaxAmount, Path dataFile, String token,
                           Optional<Bet> singleBet, AgencyTlsSettings tls, Duration answerTimeout) {

    public AgencyConfig {
        Objects.requireNonNull(serverAddress, "serverAddress");
        centrals = List.copyOf(centrals);
        if (centrals.isEmpty()) {
            throw new IllegalArgumentException("no central to dial");
        }
        Objects.requireNonNull(loopPeriod, "loopPeriod");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(dataFile, "dataFile");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(singleBet, "singleBet");
        Objects.requireNonNull(tls, "tls");
        if (answerTimeout.isNegative()) {
            throw new IllegalArgumentException("negative answer timeout");
        }
    }

    /**
     * Where in {@link #centrals()} this agency starts: entry (I-1) mod n for agency I, so that agencies spread
     * evenly over the centrals of one list.
     */
    public int startEntry() {
        return (int) Math.floorMod(agencyId - 1, (long) centrals.size());
    }
}
