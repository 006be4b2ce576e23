package ar.loteria.agency.config;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.logging.ActionLine;
import ar.loteria.logging.LogLevels;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The agency's settings, read once at start from {@code ./config.yaml} and the environment (which wins), and
 * validated: a bad value is a {@link AgencyConfigException} naming its key. Immutable.
 *
 * @param agencyId       agency id, 1 or more ({@code CLI_ID} or {@code id})
 * @param serverAddress  {@code host:port} as configured ({@code server.address})
 * @param host           host part of the address
 * @param port           port part of the address
 * @param loopAmount     {@code loop.amount}, accepted for compatibility and unused
 * @param loopPeriod     {@code loop.period} as written ({@code 5s}, {@code 100ms}), accepted and unused
 * @param logLevel       {@code log.level} as written
 * @param batchMaxAmount most bets per batch ({@code batch.maxAmount}), 1..65535
 * @param dataFile       the bets file ({@code CLI_DATA_FILE}, default {@code ./.data/agency-ID.csv})
 * @param token          the agency's shared secret ({@code CLI_TOKEN} or {@code auth.token}), empty when none
 * @param singleBet      the one bet to send instead of the file, when {@code NOMBRE}, {@code APELLIDO},
 *                       {@code DOCUMENTO}, {@code NACIMIENTO} and {@code NUMERO} are all set
 * @param tls            TLS towards the central ({@code tls.enabled} / {@code CLI_TLS}), off by default
 */
public record AgencyConfig(long agencyId, String serverAddress, String host, int port, int loopAmount,
                           String loopPeriod, String logLevel, int batchMaxAmount, Path dataFile, String token,
                           Optional<Bet> singleBet, Tls tls) {

    public static final String DEFAULT_SERVER_ADDRESS = "server:12345";
    public static final int DEFAULT_LOOP_AMOUNT = 5;
    public static final String DEFAULT_LOOP_PERIOD = "5s";
    public static final String DEFAULT_LOG_LEVEL = "INFO";
    public static final int DEFAULT_BATCH_MAX_AMOUNT = 10;
    /** A batch's bet count is a u16 on the wire. */
    public static final int MAX_BATCH_AMOUNT = 0xFFFF;
    /** Agency ids are u32 on the wire. */
    public static final long MAX_AGENCY_ID = 0xFFFF_FFFFL;

    /** Go-style durations, as the course's client took them: {@code 5s}, {@code 100ms}, {@code 1m30s}. */
    private static final Pattern DURATION = Pattern.compile("0|(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+");
    /** Single-bet mode variables, in the order of the bet's fields. */
    private static final List<String> BET_VARIABLES = List.of("NOMBRE", "APELLIDO", "DOCUMENTO", "NACIMIENTO",
            "NUMERO");

    public AgencyConfig {
        Objects.requireNonNull(serverAddress, "serverAddress");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(loopPeriod, "loopPeriod");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(dataFile, "dataFile");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(singleBet, "singleBet");
        Objects.requireNonNull(tls, "tls");
    }

    /**
     * TLS towards the central: off, or on with a client context that trusts the certificates of a PEM file and
     * checks that the central's certificate names {@link #host()}.
     *
     * @param trust   the PEM certificate or CA trusted ({@code tls.trust} / {@code CLI_TLS_TRUST}), null when off
     * @param context the client context built from it, shared by every connection of the run; null when off
     */
    public record Tls(Path trust, SslContext context) {

        /** Plain TCP. */
        public static final Tls OFF = new Tls(null, null);

        public boolean enabled() {
            return context != null;
        }
    }

    /**
     * Reads {@code file} (a missing file means defaults) and applies the overrides of {@code env}. Empty variables
     * count as unset.
     */
    public static AgencyConfig load(Path file, Map<String, String> env) throws AgencyConfigException {
        Map<?, ?> yaml = readYaml(file);
        Setting id = setting(yaml, "id", env, "CLI_ID", null);
        if (id == null) {
            throw new AgencyConfigException("CLI_ID", "the agency id is required: set CLI_ID (or id in config.yaml)");
        }
        long agencyId = parseLong(id, 1, MAX_AGENCY_ID);

        Setting address = setting(yaml, "server.address", env, "CLI_SERVER_ADDRESS", DEFAULT_SERVER_ADDRESS);
        int colon = address.text().lastIndexOf(':');
        if (colon <= 0 || colon == address.text().length() - 1) {
            throw address.invalid("must be host:port");
        }
        String host = address.text().substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw address.invalid("must be host:port");
        }
        int port;
        try {
            port = (int) parseLong(new Setting(address.key(), address.text().substring(colon + 1)), 1, 0xFFFF);
        } catch (AgencyConfigException e) {
            throw address.invalid("must be host:port with a port in 1..65535");
        }

        Setting amount = setting(yaml, "loop.amount", env, "CLI_LOOP_AMOUNT", String.valueOf(DEFAULT_LOOP_AMOUNT));
        int loopAmount = (int) parseLong(amount, 0, Integer.MAX_VALUE);

        Setting period = setting(yaml, "loop.period", env, "CLI_LOOP_PERIOD", DEFAULT_LOOP_PERIOD);
        if (!DURATION.matcher(period.text()).matches()) {
            throw period.invalid("must be a duration such as 5s or 100ms");
        }

        Setting level = setting(yaml, "log.level", env, "CLI_LOG_LEVEL", DEFAULT_LOG_LEVEL);
        if (LogLevels.parse(level.text()).isEmpty()) {
            throw level.invalid("must be DEBUG, INFO, WARNING, ERROR or CRITICAL");
        }

        Setting maxAmount = setting(yaml, "batch.maxAmount", env, "CLI_BATCH_MAXAMOUNT",
                String.valueOf(DEFAULT_BATCH_MAX_AMOUNT));
        int batchMaxAmount = (int) parseLong(maxAmount, 1, MAX_BATCH_AMOUNT);

        String dataFileText = env.get("CLI_DATA_FILE");
        Path dataFile = Path.of(isSet(dataFileText) ? dataFileText : "./.data/agency-" + agencyId + ".csv");

        String token = env.containsKey("CLI_TOKEN") ? env.get("CLI_TOKEN") : null;
        String tokenKey = "CLI_TOKEN";
        if (token == null) {
            Setting fromFile = setting(yaml, "auth.token", Map.of(), "CLI_TOKEN", "");
            token = fromFile.text();
            tokenKey = fromFile.key();
        }
        if (ByteBufUtil.utf8Bytes(token) > MessageEncoder.MAX_STR8_BYTES) {
            throw new AgencyConfigException(tokenKey, "is longer than " + MessageEncoder.MAX_STR8_BYTES + " bytes");
        }

        return new AgencyConfig(agencyId, address.text(), host, port, loopAmount, period.text(), level.text(),
                batchMaxAmount, dataFile, token, singleBet(env), tls(yaml, env));
    }

    /** The start line: {@code action: config | result: success | client_id: I | server_address: A | ...}. */
    public ActionLine toActionLine() {
        return ActionLine.success("config")
                .with("client_id", agencyId)
                .with("server_address", serverAddress)
                .with("loop_amount", loopAmount)
                .with("loop_period", loopPeriod)
                .with("log_level", logLevel)
                .with("batch_max_amount", batchMaxAmount);
    }

    /** {@code tls.enabled} ({@code CLI_TLS}), and when it is true, the certificate to trust. */
    private static Tls tls(Map<?, ?> yaml, Map<String, String> env) throws AgencyConfigException {
        Setting enabled = setting(yaml, "tls.enabled", env, "CLI_TLS", "false");
        if (enabled.text().equalsIgnoreCase("false")) {
            return Tls.OFF;
        }
        if (!enabled.text().equalsIgnoreCase("true")) {
            throw enabled.invalid("must be true or false");
        }
        Setting trust = setting(yaml, "tls.trust", env, "CLI_TLS_TRUST", null);
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
            return new Tls(file, context);
        } catch (IllegalArgumentException | SSLException e) {
            throw trust.invalid("holds no PEM certificate that can be trusted: " + e.getMessage());
        }
    }

    private static Optional<Bet> singleBet(Map<String, String> env) throws AgencyConfigException {
        List<String> missing = new ArrayList<>();
        for (String variable : BET_VARIABLES) {
            if (!isSet(env.get(variable))) {
                missing.add(variable);
            }
        }
        if (missing.size() == BET_VARIABLES.size()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new AgencyConfigException(missing.get(0), "single-bet mode needs " + String.join(", ", BET_VARIABLES)
                    + "; missing " + String.join(", ", missing));
        }
        int number;
        try {
            number = Integer.parseInt(env.get("NUMERO"));
        } catch (NumberFormatException e) {
            throw new AgencyConfigException("NUMERO", "'" + env.get("NUMERO") + "' is not an integer");
        }
        Bet bet = new Bet(env.get("NOMBRE"), env.get("APELLIDO"), env.get("DOCUMENTO"), env.get("NACIMIENTO"), number);
        String violation = BetRules.violation(bet, LocalDate.now());
        if (violation != null) {
            throw new AgencyConfigException(variableOf(violation), violation);
        }
        return Optional.of(bet);
    }

    /** Which single-bet variable a {@link BetRules} violation is about (its text starts with the field's name). */
    private static String variableOf(String violation) {
        String[] fields = {"first_name", "last_name", "document", "birthdate", "number"};
        for (int i = 0; i < fields.length; i++) {
            if (violation.startsWith(fields[i])) {
                return BET_VARIABLES.get(i);
            }
        }
        return String.join(",", BET_VARIABLES);
    }

    private static Map<?, ?> readYaml(Path file) throws AgencyConfigException {
        String key = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Object document = new Load(LoadSettings.builder().setLabel(key).build()).loadFromReader(reader);
            if (document == null) {
                return Map.of();
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw new AgencyConfigException(key, "must be a yaml mapping of settings");
            }
            return map;
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new AgencyConfigException(key, "cannot be read: " + e.getMessage());
        } catch (YamlEngineException e) {
            throw new AgencyConfigException(key, "is not valid yaml: " + e.getMessage());
        }
    }

    /** The value of a dotted yaml key, overridden by a non-empty variable; {@code fallback} (may be null) if none. */
    private static Setting setting(Map<?, ?> yaml, String path, Map<String, String> env, String variable,
                                   String fallback) throws AgencyConfigException {
        String override = env.get(variable);
        if (isSet(override)) {
            return new Setting(variable, override.trim());
        }
        Object node = yaml;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                throw new AgencyConfigException(path, "must sit under a yaml mapping");
            }
            node = map.get(part);
            if (node == null) {
                return fallback == null ? null : new Setting(path, fallback);
            }
        }
        if (node instanceof Map<?, ?> || node instanceof List<?>) {
            throw new AgencyConfigException(path, "must be a single value");
        }
        return new Setting(path, String.valueOf(node).trim());
    }

    private static long parseLong(Setting setting, long min, long max) throws AgencyConfigException {
        long value;
        try {
            value = Long.parseLong(setting.text());
        } catch (NumberFormatException e) {
            throw setting.invalid("must be an integer in " + min + ".." + max);
        }
        if (value < min || value > max) {
            throw setting.invalid("must be an integer in " + min + ".." + max);
        }
        return value;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** A raw setting and where it came from, so errors name the right key. */
    private record Setting(String key, String text) {

        AgencyConfigException invalid(String rule) {
            return new AgencyConfigException(key, "'" + text + "' " + rule);
        }
    }
}
