package ar.loteria.agency.config;

import ar.loteria.testkit.TestIdentities;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agency's TLS settings: {@code tls.*} in config.yaml, {@code CLI_TLS*} in the environment. */
class AgencyTlsSettingsTest {

    @RegisterExtension
    static final TestIdentities IDENTITIES = TestIdentities.of("central", "stranger");

    @TempDir
    Path dir;


    @Test
    void tlsIsOffByDefault() throws AgencyConfigException {
        AgencyConfig config = AgencyConfigLoader.load(dir.resolve("none.yaml"), Map.of("CLI_ID", "1"));

        assertFalse(config.tls().enabled());
    }

    @Test
    void readsTlsFromTheFile() throws Exception {
        // given
        Path file = write("tls:\n  enabled: true\n  trust: \"" + IDENTITIES.get("central").certificate() + "\"\n");

        // when
        AgencyConfig config = AgencyConfigLoader.load(file, Map.of("CLI_ID", "1"));

        // then
        assertTrue(config.tls().enabled());
        assertEquals(IDENTITIES.get("central").certificate(), config.tls().trust());
        assertTrue(config.tls().context().isClient());
    }

    @Test
    void environmentOverridesTls() throws Exception {
        // given
        Path file = write("tls:\n  enabled: true\n  trust: \"" + IDENTITIES.get("central").certificate() + "\"\n");

        // when
        AgencyConfig off = AgencyConfigLoader.load(file, Map.of("CLI_ID", "1", "CLI_TLS", "false"));
        AgencyConfig other = AgencyConfigLoader.load(file, Map.of("CLI_ID", "1", "CLI_TLS_TRUST",
                IDENTITIES.get("stranger").certificate().toString()));

        // then
        assertFalse(off.tls().enabled());
        assertEquals(IDENTITIES.get("stranger").certificate(), other.tls().trust());
    }

    @Test
    void tlsWithoutATrustedCertificateNamesTheTrustKey() throws Exception {
        AgencyConfigException fromEnv = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(dir.resolve("none.yaml"), Map.of("CLI_ID", "1", "CLI_TLS", "true")));
        AgencyConfigException fromFile = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(write("tls:\n  enabled: true\n"), Map.of("CLI_ID", "1")));

        assertEquals("CLI_TLS_TRUST", fromEnv.key());
        assertEquals("tls.trust", fromFile.key());
    }

    @Test
    void badTlsValuesNameTheirKeys() throws Exception {
        Path notPem = write("not a certificate\n");
        Map<String, String> yes = Map.of("CLI_ID", "1", "CLI_TLS", "yes");
        Map<String, String> missing = Map.of("CLI_ID", "1", "CLI_TLS", "true",
                "CLI_TLS_TRUST", dir.resolve("absent.pem").toString());
        Map<String, String> garbage = Map.of("CLI_ID", "1", "CLI_TLS", "true", "CLI_TLS_TRUST", notPem.toString());
        Path none = dir.resolve("none.yaml");

        assertEquals("CLI_TLS",
                assertThrows(AgencyConfigException.class, () -> AgencyConfigLoader.load(none, yes)).key());
        assertEquals("CLI_TLS_TRUST",
                assertThrows(AgencyConfigException.class, () -> AgencyConfigLoader.load(none, missing)).key());
        assertEquals("CLI_TLS_TRUST",
                assertThrows(AgencyConfigException.class, () -> AgencyConfigLoader.load(none, garbage)).key());
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "config", ".yaml");
        Files.writeString(file, text);
        return file;
    }
}
