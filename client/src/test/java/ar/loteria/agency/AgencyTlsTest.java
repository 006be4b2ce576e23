package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.TestCertificates.Identity;
import ar.loteria.testkit.TestIdentities;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static ar.loteria.agency.AgencyRuns.FAST;
import static ar.loteria.agency.AgencyRuns.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS on the agency's side: its pipeline, and the real client over 127.0.0.1 against a {@link FakeCentral} that
 * speaks TLS. The settings are tested in {@code AgencyTlsSettingsTest}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgencyTlsTest {

    @RegisterExtension
    static final TestIdentities IDENTITIES = TestIdentities.of("central", "stranger").with("misnamed", "dns:elsewhere");

    @TempDir
    Path dir;


    @Test
    void configLineStaysTheSameWithTlsOn() throws Exception {
        Path file = dir.resolve("agency-1.csv");

        String line = AgencyLog.configLoaded(config(4000, file, IDENTITIES.get("central").certificate())).toString();

        assertEquals("action: config | result: success | client_id: 1 | server_address: 127.0.0.1:4000 | "
                + "loop_amount: 5 | loop_period: 5s | log_level: INFO | batch_max_amount: 7", line);
    }

    @Test
    void runOverTlsStoresEveryBetOnceAndReturnsTheWinners() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        List<String> expectedWinners = BetFileGenerator.writeAgencyFile(file, 1, 200, 5, 3, true);
        try (FakeCentral fake = new FakeCentral(true, serverContext(IDENTITIES.get("central")))) {
            int port = fake.start(0);

            // when
            AgencyOutcome outcome = run(config(port, file, IDENTITIES.get("central").certificate()), file);

            // then
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, expectedWinners), outcome);
            assertEquals(TestBets.readFile(file), fake.stored);
            assertEquals(List.of(), fake.violations);
        }
    }

    /** Why the agency refuses the central's certificate. */
    enum CertificateRefusal {
        /** Signed by nobody the agency trusts. */
        UNTRUSTED,
        /** Trusted, but issued for "elsewhere" while the agency dials 127.0.0.1. */
        ANOTHER_HOST
    }

    @ParameterizedTest
    @EnumSource(CertificateRefusal.class)
    void refusedCertificateEndsTheRunWithATlsFailure(CertificateRefusal refusal) throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        BetFileGenerator.writeAgencyFile(file, 1, 20, 1, 3, false);
        Identity served = IDENTITIES.get(refusal == CertificateRefusal.UNTRUSTED ? "central" : "misnamed");
        Identity trusted = IDENTITIES.get(refusal == CertificateRefusal.UNTRUSTED ? "stranger" : "misnamed");
        try (LogCapture logs = LogCapture.attach();
             FakeCentral fake = new FakeCentral(true, serverContext(served))) {
            int port = fake.start(0);

            // when
            AgencyOutcome outcome = run(config(port, file, trusted.certificate()), file);

            // then
            assertEquals(ExitStatus.REFUSED, outcome.status());
            assertTrue(logs.contains("ERROR action: tls | result: fail | server_address: 127.0.0.1:" + port),
                    logs.texts().toString());
            assertEquals(List.of(), fake.stored);
        }
    }

    @Test
    void tlsHandlerComesFirstWhenEnabled() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");
        AgencyRun run = new AgencyRun(config(12345, file, IDENTITIES.get("central").certificate()), BetInput.of("test", List.of()),
                FAST, BatchSender::run, new CompletableFuture<>());

        // when
        EmbeddedChannel ch = new EmbeddedChannel(new AgencyInitializer(run, run.config().centrals().get(0)));

        // then
        assertEquals(List.of(AgencyInitializer.TLS, AgencyInitializer.FRAME_DECODER),
                ch.pipeline().names().subList(0, 2));
        assertInstanceOf(SslHandler.class, ch.pipeline().first());
        ch.finishAndReleaseAll();
    }

    private static AgencyConfig config(int port, Path file, Path trusted) throws AgencyConfigException {
        return AgencyRuns.config(1, file, Map.of("CLI_TLS", "true", "CLI_TLS_TRUST", trusted.toString()), port);
    }

    private static SslContext serverContext(Identity identity) throws Exception {
        return SslContextBuilder.forServer(identity.keyManagers()).sslProvider(SslProvider.JDK).build();
    }
}
