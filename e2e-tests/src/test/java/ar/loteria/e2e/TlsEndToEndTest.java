package ar.loteria.e2e;

import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.launch.JarProcess;
import ar.loteria.testkit.TestCertificates;
import ar.loteria.testkit.TestCertificates.Identity;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.e2e.Composition.awaitPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS from outside: the server jar with {@code TLS_KEYSTORE}, agency jars with {@code CLI_TLS=true} trusting the
 * exported certificate, judged by exit codes, winners lines and the central's start lines.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TlsEndToEndTest {

    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration RUN = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private JarProcess agency(int id, String address, Path bets, Map<String, String> tls) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("CLI_DATA_FILE", bets.toString(), "CLI_BATCH_MAXAMOUNT", "50"));
        env.putAll(tls);
        return composition.agency(id, address, env);
    }

    private static Map<String, String> serverTls(Identity identity) {
        return Map.of("TLS_KEYSTORE", identity.keystore().toString(), "TLS_KEYSTORE_PASSWORD", identity.password());
    }

    private static Map<String, String> agencyTls(Path trusted) {
        return Map.of("CLI_TLS", "true", "CLI_TLS_TRUST", trusted.toString());
    }

    private static String joined(JarProcess process) throws IOException {
        return String.join("\n", process.lines());
    }

    @Test
    void agenciesOverTlsGetTheirWinners() throws Exception {
        // given
        Identity central = TestCertificates.generate(dir, "central");
        Path one = dir.resolve("agency-1.csv");
        Path two = dir.resolve("agency-2.csv");
        List<String> winnersOne = BetFileGenerator.writeAgencyFile(one, 1, 2_000, 3, 21, true);
        List<String> winnersTwo = BetFileGenerator.writeAgencyFile(two, 2, 1_500, 2, 21, false);
        JarProcess server = composition.server(2, serverTls(central));
        String port = awaitPort(server);

        // when: one agency names the central by host name, the other by address; both are in the certificate
        JarProcess first = agency(1, "localhost:" + port, one, agencyTls(central.certificate()));
        JarProcess second = agency(2, "127.0.0.1:" + port, two, agencyTls(central.certificate()));

        // then
        assertEquals(0, first.awaitExit(RUN), joined(first));
        assertEquals(0, second.awaitExit(RUN), joined(second));
        assertTrue(first.lines().stream().anyMatch(l -> l.endsWith(
                "action: consulta_ganadores | result: success | cant_ganadores: " + winnersOne.size())), joined(first));
        assertTrue(second.lines().stream().anyMatch(l -> l.endsWith(
                "action: consulta_ganadores | result: success | cant_ganadores: " + winnersTwo.size())),
                joined(second));
        assertTrue(first.lines().get(0).endsWith("action: config | result: success | client_id: 1 | "
                + "server_address: localhost:" + port + " | loop_amount: 5 | loop_period: 5s | log_level: INFO | "
                + "batch_max_amount: 50"), first.lines().get(0));

        // and the central keeps its contract lines, with the TLS line after the config line
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        List<String> log = server.lines();
        assertTrue(log.get(0).endsWith("action: config | result: success | port: 0 | listen_backlog: 5 | "
                + "logging_level: INFO | agencies: 2"), log.get(0));
        assertTrue(log.get(1).endsWith("action: tls | result: success | keystore: " + central.keystore()),
                log.get(1));
        assertTrue(log.get(2).contains("action: accept_connections | result: in_progress"), log.get(2));
        for (JarProcess process : List.of(server, first, second)) {
            assertFalse(process.lines().stream().anyMatch(l -> l.contains("result: fail")), joined(process));
        }
        assertEquals(3_500, Files.readAllLines(dir.resolve("central/bets.csv")).size());
    }

    @Test
    void agencyTrustingAnotherCertificateStopsWithExitFour() throws Exception {
        // given
        Identity central = TestCertificates.generate(dir, "central");
        Identity stranger = TestCertificates.generate(dir, "stranger");
        Path bets = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(bets, 1, 100, 1, 22, false);
        JarProcess server = composition.server(1, serverTls(central));
        String port = awaitPort(server);

        // when
        JarProcess agency = agency(1, "127.0.0.1:" + port, bets, agencyTls(stranger.certificate()));

        // then
        assertEquals(4, agency.awaitExit(RUN), joined(agency));
        assertTrue(agency.lines().stream().anyMatch(l -> l.contains("action: tls | result: fail")), joined(agency));
        assertTrue(server.isAlive());
        server.terminate();
        assertEquals(0, server.awaitExit(START));
        Path store = dir.resolve("central/bets.csv");
        assertTrue(!Files.exists(store) || Files.readAllLines(store).isEmpty(), "nothing stored");
    }

    @Test
    void centralWithAWrongKeystorePasswordFailsNamingTheKey() throws Exception {
        // given
        Identity central = TestCertificates.generate(dir, "central");

        // when
        JarProcess server = composition.server(1, Map.of("TLS_KEYSTORE", central.keystore().toString(),
                "TLS_KEYSTORE_PASSWORD", "wrong-password"));

        // then
        assertEquals(1, server.awaitExit(START));
        assertTrue(server.lines().stream().anyMatch(l -> l.contains("action: config | result: fail")
                && l.contains("TLS_KEYSTORE_PASSWORD")), joined(server));
    }
}
