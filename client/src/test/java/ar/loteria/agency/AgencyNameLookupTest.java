package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigLoader;
import ar.loteria.agency.generate.BetFileGenerator;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.agency.AgencyRuns.WAIT_SECONDS;
import static ar.loteria.agency.AgencyRuns.fastWithBudget;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agency's DNS lookups of its central's name, against {@link FlakyDnsServer} on 127.0.0.1. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AgencyNameLookupTest {

    @TempDir
    Path dir;

    @Test
    void aLookupWhoseQueriesAreLostIsAskedAgainFromANewSourcePort() throws Exception {
        // given: a DNS server that never answers the first source port it hears from, and a central behind the one
        // name it knows
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 40, 2, 5, false);
        try (FlakyDnsServer dns = new FlakyDnsServer("central.lottery.test");
             FakeCentral central = new FakeCentral(true)) {
            SingletonDnsServerAddressStreamProvider nameServers = new SingletonDnsServerAddressStreamProvider(
                    dns.start());
            int port = central.start(0);
            AgencyConfig config = AgencyConfigLoader.load(Path.of("no-such-config.yaml"), Map.of("CLI_ID", "1",
                    "CLI_SERVER_ADDRESS", "central.lottery.test:" + port, "CLI_DATA_FILE", file.toString()));

            // when: connection attempts for up to 8 s, each lookup waiting at most 1 s for an answer
            AgencyOutcome outcome;
            try (AgencyClient client = new AgencyClient(config, BetInput.file(file), fastWithBudget(8_000),
                    nameServers)) {
                client.start();
                outcome = client.outcome().get(WAIT_SECONDS, TimeUnit.SECONDS);
            }

            // then: a later attempt asked from another port, got its answer, and the run ended with the winners
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertTrue(dns.sourcePorts() >= 2, "source ports seen: " + dns.sourcePorts());
            assertTrue(dns.answered() >= 1, "answers: " + dns.answered());
        }
    }
}
