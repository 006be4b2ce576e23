package ar.loteria.agency.config;

import ar.loteria.agency.config.ConfigSources.Setting;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS towards the central ({@code tls.enabled} / {@code CLI_TLS}, off by default): off, or on with a client
 * context that trusts the certificates of a PEM file and checks that the central's certificate names the host
 * the agency dials. Immutable; the context is shared by every connection of a run.
 *
 * @param trust   the PEM certificate or CA trusted ({@code tls.trust} / {@code CLI_TLS_TRUST}), null when off
 * @param context the client context built from it; null when off
 */
public record AgencyTlsSettings(Path trust, SslContext context) {

    /** Plain TCP. */
    public static final AgencyTlsSettings OFF = new AgencyTlsSettings(null, null);

    public boolean enabled() {
        return context != null;
    }

    /** {@code tls.enabled}, and when it is true, the certificate to trust. */
    static AgencyTlsSettings load(ConfigSources sources) throws AgencyConfigException {
        Setting enabled = sources.setting("tls.enabled", "CLI_TLS", "false");
        if (enabled.text().equalsIgnoreCase("false")) {
            return OFF;
        }
        if (!enabled.text().equalsIgnoreCase("true")) {
            throw enabled.invalid("must be true or false");
        }
        Setting trust = sources.setting("tls.trust", "CLI_TLS_TRUST", null);
        if (trust == null) {
            throw new AgencyConfigException("CLI_TLS".equals(enabled.key()) ? "CLI_TLS_TRUST" : "tls.trust",
                    "must name the PEM certificate to trust when TLS is on");
        }
        Path file = Path.of(trust.text());
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw trust.invalid("is not a readable file");
        }
        try {
            SslContext context = SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(file.toFile())
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
            return new AgencyTlsSettings(file, context);
        } catch (IllegalArgumentException | SSLException e) {
            throw trust.invalid("holds no PEM certificate that can be trusted: " + e.getMessage());
        }
    }
}
