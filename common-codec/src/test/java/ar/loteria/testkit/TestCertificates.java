package ar.loteria.testkit;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a throwaway TLS identity with the JDK's {@code keytool}: a PKCS12 keystore holding an EC key and a
 * self-signed certificate (by default for {@code server}, {@code localhost} and {@code 127.0.0.1}), valid for two
 * days, and the certificate exported as PEM for the side that trusts it. Test threads only.
 */
public final class TestCertificates {

    /** The password of every keystore made here. */
    public static final String PASSWORD = "changeit";
    /** The names a certificate is for unless told otherwise. */
    public static final String DEFAULT_NAMES = "dns:server,dns:localhost,ip:127.0.0.1";

    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /**
     * A generated identity.
     *
     * @param keystore    the PKCS12 keystore (key and certificate)
     * @param password    its password, also the key's
     * @param certificate the certificate alone, PEM
     */
    public record Identity(Path keystore, String password, Path certificate) {

        /** The keystore's key and certificate, for a test server's {@code SslContextBuilder.forServer}. */
        public KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            return keys;
        }
    }

    private TestCertificates() {
    }

    /** Writes {@code NAME.p12} and {@code NAME.pem} into {@code dir}. Each call makes a new key. */
    public static Identity generate(Path dir, String name) throws IOException, InterruptedException {
        return generate(dir, name, DEFAULT_NAMES);
    }

    /** The same, for the names in {@code subjectAltNames} ({@code dns:NAME,ip:ADDRESS,...}) only. */
    public static Identity generate(Path dir, String name, String subjectAltNames)
            throws IOException, InterruptedException {
        Path keystore = dir.resolve(name + ".p12");
        Path certificate = dir.resolve(name + ".pem");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-keypass", PASSWORD, "-dname", "CN=server", "-ext", "SAN=" + subjectAltNames,
                "-validity", "2");
        keytool("-exportcert", "-rfc", "-alias", name, "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", PASSWORD, "-file", certificate.toString());
        return new Identity(keystore, PASSWORD, certificate);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " exited " + process.exitValue() + ": " + output);
        }
    }
}
