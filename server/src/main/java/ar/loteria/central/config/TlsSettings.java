package ar.loteria.central.config;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.KeyManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

/**
 * The central's optional TLS, part of its {@link ServerConfig} and read with the rest of it by {@link
 * ServerConfigLoader}: {@code TLS_KEYSTORE} names a PKCS12 keystore with the central's key and certificate,
 * {@code TLS_KEYSTORE_PASSWORD} its password. An empty or absent {@code TLS_KEYSTORE} means plain TCP.
 *
 * @param keystore TLS_KEYSTORE, or {@code null} when TLS is off
 * @param password TLS_KEYSTORE_PASSWORD, for the keystore and its key
 */
public record TlsSettings(Path keystore, String password) {

    static final String KEYSTORE = "TLS_KEYSTORE";
    static final String PASSWORD = "TLS_KEYSTORE_PASSWORD";

    /** Plain TCP. */
    public static final TlsSettings OFF = new TlsSettings(null, "");

    public TlsSettings {
        Objects.requireNonNull(password, "password");
    }

    /**
     * The settings {@code ini} (the keys of {@code config.ini}, upper case) and the overrides in {@code env} make; the
     * password is taken as written, spaces included.
     */
    static TlsSettings from(Map<String, String> ini, Map<String, String> env) {
        String keystore = env.getOrDefault(KEYSTORE, ini.getOrDefault(KEYSTORE, "")).trim();
        String password = env.getOrDefault(PASSWORD, ini.getOrDefault(PASSWORD, ""));
        return keystore.isEmpty() ? OFF : new TlsSettings(Path.of(keystore), password);
    }

    public boolean enabled() {
        return keystore != null;
    }

    /**
     * The server side of TLS (JDK provider) with the keystore's key and certificate, or {@code null} when TLS is
     * off, as {@code CentralServer} takes it. A keystore that cannot be used is a {@link ConfigException} naming
     * the key at fault.
     */
    public SslContext newServerContext() throws ConfigException {
        if (!enabled()) {
            return null;
        }
        char[] secret = password.toCharArray();
        KeyStore store;
        try (InputStream in = Files.newInputStream(keystore)) {
            store = KeyStore.getInstance("PKCS12");
            store.load(in, secret);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new ConfigException(PASSWORD + " does not open the keystore " + keystore);
            }
            throw new ConfigException(KEYSTORE + " must name a readable PKCS12 keystore, cannot read '" + keystore
                    + "': " + e);
        } catch (GeneralSecurityException e) {
            throw new ConfigException(KEYSTORE + " must name a PKCS12 keystore, '" + keystore + "' is not: " + e);
        }
        try {
            if (Collections.list(store.aliases()).stream().noneMatch(alias -> isKey(store, alias))) {
                throw new ConfigException(KEYSTORE + " must hold the central's private key, '" + keystore
                        + "' has none");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            return SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
        } catch (UnrecoverableKeyException e) {
            throw new ConfigException(PASSWORD + " does not open the key in " + keystore);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException(KEYSTORE + " cannot be used for TLS: " + e);
        }
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "TlsSettings[keystore=" + keystore + "]";
    }

    private static boolean isKey(KeyStore store, String alias) {
        try {
            return store.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
