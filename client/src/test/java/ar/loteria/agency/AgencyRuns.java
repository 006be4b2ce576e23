package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the agency's tests over real sockets share: quick settings, a config for 127.0.0.1, one whole run. */
final class AgencyRuns {

    /** A window of 4 and short retries, so that runs are quick and the window really fills. */
    static final AgencyTuning FAST = new AgencyTuning(4, Duration.ofMillis(50), Duration.ofSeconds(5),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2));
    /** Longest wait for a run to end. */
    static final long WAIT_SECONDS = 10;

    private AgencyRuns() {
    }

    /** {@link #FAST}, giving up after {@code millis} without a WELCOME, whatever the failures. */
    static AgencyTuning fastWithBudget(long millis) {
        return new AgencyTuning(FAST.window(), FAST.retryDelay(), Duration.ofMillis(millis), Duration.ofMillis(millis),
                FAST.connectTimeout(), FAST.progressEvery(), FAST.closeTimeout());
    }

    /**
     * Agency {@code agency}, with batches of 7 bets read from {@code file}, dialling 127.0.0.1 at {@code ports}
     * (one address, or a list); {@code more} adds variables.
     */
    static AgencyConfig config(long agency, Path file, Map<String, String> more, int... ports)
            throws AgencyConfigException {
        List<String> addresses = new ArrayList<>();
        for (int port : ports) {
            addresses.add("127.0.0.1:" + port);
        }
        Map<String, String> env = new HashMap<>(more);
        env.putAll(Map.of("CLI_ID", String.valueOf(agency), "CLI_SERVER_ADDRESS", String.join(",", addresses),
                "CLI_BATCH_MAXAMOUNT", "7", "CLI_DATA_FILE", file.toString()));
        return AgencyConfigLoader.load(Path.of("no-such-config.yaml"), env);
    }

    /** Runs the agency with {@link #FAST} settings until it ends, and closes it. */
    static AgencyOutcome run(AgencyConfig config, Path file) throws Exception {
        try (AgencyClient client = new AgencyClient(config, BetInput.file(file), FAST)) {
            client.start();
            return client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Where each batch of {@code size} bets starts in a stream of {@code total}: 0, size, 2 size, .... */
    static List<Long> batchStarts(long total, int size) {
        List<Long> starts = new ArrayList<>();
        for (long first = 0; first < total; first += size) {
            starts.add(first);
        }
        return starts;
    }

    /** A port of 127.0.0.1 where nothing listens (for now). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
