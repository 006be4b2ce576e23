package ar.loteria.central.config;

import ar.loteria.testkit.TestIdentities;
import io.netty.handler.ssl.SslContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsSettingsTest {

    @RegisterExtension
    static final TestIdentities IDENTITIES = TestIdentities.of("central");

    @TempDir
    Path dir;


    private Path write(String text) throws IOException {
        Path file = dir.resolve("config.ini");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void tlsIsOffWithoutAKeystore() throws ConfigException {
        TlsSettings tls = ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of()).tls();

        assertFalse(tls.enabled());
        assertNull(tls.newServerContext());
    }

    @Test
    void readsTheKeystoreFromTheFile() throws Exception {
        Path file = write("[DEFAULT]\nSERVER_PORT = 12345\ntls_keystore = " + IDENTITIES.get("central").keystore()
                + "\nTLS_KEYSTORE_PASSWORD = " + IDENTITIES.get("central").password() + "\n");

        TlsSettings tls = ServerConfigLoader.load(file, Map.of()).tls();

        assertEquals(new TlsSettings(IDENTITIES.get("central").keystore(), IDENTITIES.get("central").password()), tls);
        SslContext context = tls.newServerContext();
        assertTrue(context.isServer());
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        Path file = write("[DEFAULT]\nTLS_KEYSTORE = /elsewhere.p12\nTLS_KEYSTORE_PASSWORD = other\n");

        TlsSettings tls = ServerConfigLoader.load(file, Map.of("TLS_KEYSTORE",
                IDENTITIES.get("central").keystore().toString(), "TLS_KEYSTORE_PASSWORD",
                IDENTITIES.get("central").password())).tls();

        assertEquals(new TlsSettings(IDENTITIES.get("central").keystore(), IDENTITIES.get("central").password()), tls);
    }

    @Test
    void aPasswordFromTheEnvironmentIsTakenAsWrittenSpacesIncluded() throws Exception {
        TlsSettings tls = ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("TLS_KEYSTORE", " /k.p12 ",
                "TLS_KEYSTORE_PASSWORD", " two words ")).tls();

        assertEquals(new TlsSettings(Path.of("/k.p12"), " two words "), tls);
    }

    @Test
    void theRestOfTheConfigurationIsReadWithTheTlsKeysFromOneReadOfTheFile() throws Exception {
        Path file = write("[DEFAULT]\nSERVER_PORT = 4321\nTLS_KEYSTORE = /k.p12\nTLS_KEYSTORE_PASSWORD = pw\n");

        ServerConfig config = ServerConfigLoader.load(file, Map.of());

        assertEquals(4321, config.port());
        assertEquals(new TlsSettings(Path.of("/k.p12"), "pw"), config.tls());
    }

    @Test
    void emptyVariableTurnsTlsOff() throws Exception {
        Path file = write("[DEFAULT]\nTLS_KEYSTORE = " + IDENTITIES.get("central").keystore() + "\n");

        assertFalse(ServerConfigLoader.load(file, Map.of("TLS_KEYSTORE", "")).tls().enabled());
    }

    @Test
    void missingKeystoreNamesItsKey() {
        TlsSettings tls = new TlsSettings(dir.resolve("absent.p12"), IDENTITIES.get("central").password());

        ConfigException error = assertThrows(ConfigException.class, tls::newServerContext);

        assertTrue(error.getMessage().startsWith("TLS_KEYSTORE "), error.getMessage());
        assertTrue(error.getMessage().contains("absent.p12"), error.getMessage());
    }

    @Test
    void fileThatIsNotAKeystoreNamesItsKey() {
        TlsSettings tls = new TlsSettings(IDENTITIES.get("central").certificate(), IDENTITIES.get("central").password());

        ConfigException error = assertThrows(ConfigException.class, tls::newServerContext);

        assertTrue(error.getMessage().startsWith("TLS_KEYSTORE "), error.getMessage());
    }

    @Test
    void wrongPasswordNamesThePasswordKey() {
        TlsSettings tls = new TlsSettings(IDENTITIES.get("central").keystore(), "not-the-password");

        ConfigException error = assertThrows(ConfigException.class, tls::newServerContext);

        assertTrue(error.getMessage().startsWith("TLS_KEYSTORE_PASSWORD "), error.getMessage());
    }

    @Test
    void neverShowsThePassword() {
        assertFalse(new TlsSettings(IDENTITIES.get("central").keystore(), "s3cret-value").toString().contains("s3cret-value"));
    }
}
