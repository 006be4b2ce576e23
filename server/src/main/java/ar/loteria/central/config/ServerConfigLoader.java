package ar.loteria.central.config;

import ar.loteria.logging.LogLevels;
import ch.qos.logback.classic.Level;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code config.ini} the way Python's {@code configparser} reads the course's file ({@code [DEFAULT]}
 * section, {@code KEY = value} or {@code KEY: value}, case-insensitive keys, {@code #} and {@code ;} comment lines)
 * and lets an environment variable of the same name override each key. A missing file means defaults.
 */
public final class ServerConfigLoader {

    static final String PORT = "SERVER_PORT";
    static final String IP = "SERVER_IP";
    static final String BACKLOG = "SERVER_LISTEN_BACKLOG";
    static final String LEVEL = "LOGGING_LEVEL";
    static final String AGENCIES = "AGENCIES";
    static final String STORAGE = "STORAGE_FILEPATH";
    static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";
    static final String IDLE_TIMEOUT = "IDLE_TIMEOUT_SECONDS";
    static final String TOKENS = "AGENCY_TOKENS";
    static final String SYNC = "STORAGE_SYNC";
    static final String STATUS_PORT = "STATUS_PORT";
    static final String STATUS_BIND = "STATUS_BIND";
    static final String STATUS_TOKEN = "STATUS_TOKEN";
    static final String STORAGE_URL = "STORAGE_URL";
    static final String STORAGE_USER = "STORAGE_USER";
    static final String STORAGE_PASSWORD = "STORAGE_PASSWORD";
    static final String DRAW_AT = "DRAW_AT";
    static final String DRAW_AFTER_SECONDS = "DRAW_AFTER_SECONDS";
    static final String TRANSPORT = "SERVER_TRANSPORT";

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(PORT, "12345"),
            Map.entry(IP, "server"),
            Map.entry(BACKLOG, "5"),
            Map.entry(LEVEL, "INFO"),
            Map.entry(AGENCIES, "5"),
            Map.entry(STORAGE, "./bets.csv"),
            Map.entry(MAX_CONNECTIONS, "10000"),
            Map.entry(IDLE_TIMEOUT, "30"),
            Map.entry(TOKENS, ""),
            Map.entry(SYNC, "false"),
            Map.entry(STATUS_PORT, "8080"),
            Map.entry(STATUS_BIND, "0.0.0.0"),
            Map.entry(STATUS_TOKEN, ""),
            Map.entry(STORAGE_URL, ""),
            Map.entry(STORAGE_USER, ""),
            Map.entry(STORAGE_PASSWORD, ""),
            Map.entry(DRAW_AT, ""),
            Map.entry(DRAW_AFTER_SECONDS, ""),
            Map.entry(TRANSPORT, "auto"));

    private ServerConfigLoader() {
    }

    /** Reads {@code file} (if it exists) once, and the overrides in {@code env}. */
    public static ServerConfig load(Path file, Map<String, String> env) throws ConfigException {
        Map<String, String> ini = readIni(file);
        Map<String, String> values = new HashMap<>(DEFAULTS);
        values.putAll(ini);
        for (String key : DEFAULTS.keySet()) {
            String override = env.get(key);
            if (override != null) {
                values.put(key, override.trim());
            }
        }
        String levelName = values.get(LEVEL);
        Level level = LogLevels.parse(levelName)
                .orElseThrow(() -> new ConfigException(LEVEL + " must be DEBUG, INFO, WARNING, ERROR or CRITICAL, was '"
                        + levelName + "'"));
        String storage = values.get(STORAGE);
        if (storage.isBlank()) {
            throw new ConfigException(STORAGE + " must name a file");
        }
        return new ServerConfig(
                integer(values, PORT, 0, 65_535),
                values.get(IP),
                integer(values, BACKLOG, 1, 65_535),
                levelName,
                level,
                integer(values, AGENCIES, 0, 1_000_000),
                Path.of(storage),
                integer(values, MAX_CONNECTIONS, 1, 1_000_000),
                Duration.ofSeconds(integer(values, IDLE_TIMEOUT, 1, 86_400)),
                tokens(values.get(TOKENS)),
                bool(values, SYNC),
                status(values),
                database(values),
                TlsSettings.from(ini, env),
                close(values),
                transport(values));
    }

    /** The keys of {@code file} (upper case) and their values; a missing file has none. */
    private static Map<String, String> readIni(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> values = new HashMap<>();
        int lineNumber = 0;
        for (String raw : text.split("\r\n|\n|\r", -1)) {
            lineNumber++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("[")) {
                continue;
            }
            int equals = line.indexOf('=');
            int colon = line.indexOf(':');
            int split = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
            if (split <= 0) {
                throw new ConfigException(file + " line " + lineNumber + " is not KEY = value: " + line);
            }
            values.put(line.substring(0, split).strip().toUpperCase(Locale.ROOT), line.substring(split + 1).strip());
        }
        return values;
    }

    private static int integer(Map<String, String> values, String key, int min, int max) throws ConfigException {
        String value = values.get(key);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the key's name
        }
        throw new ConfigException(key + " must be an integer from " + min + " to " + max + ", was '" + value + "'");
    }

    /** A boolean as Python's {@code configparser} reads one: 1/yes/true/on or 0/no/false/off, in any case. */
    private static boolean bool(Map<String, String> values, String key) throws ConfigException {
        String value = values.get(key);
        switch (value.toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on" -> {
                return true;
            }
            case "0", "no", "false", "off" -> {
                return false;
            }
            default -> throw new ConfigException(key + " must be true or false, was '" + value + "'");
        }
    }

    private static StatusSettings status(Map<String, String> values) throws ConfigException {
        String bind = values.get(STATUS_BIND);
        if (bind.isBlank()) {
            throw new ConfigException(STATUS_BIND + " must name an interface (0.0.0.0 for all), was empty");
        }
        String token = values.get(STATUS_TOKEN);
        return new StatusSettings(integer(values, STATUS_PORT, 0, 65_535), bind, token.isEmpty() ? null : token);
    }

    private static TransportSetting transport(Map<String, String> values) throws ConfigException {
        TransportSetting transport = TransportSetting.parse(values.get(TRANSPORT));
        if (transport == null) {
            throw new ConfigException(TRANSPORT + " must be auto, epoll, io_uring or nio, was '" + values.get(TRANSPORT)
                    + "'");
        }
        return transport;
    }

    private static DatabaseSettings database(Map<String, String> values) throws ConfigException {
        String url = values.get(STORAGE_URL);
        if (url.isEmpty()) {
            return DatabaseSettings.NONE;
        }
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new ConfigException(STORAGE_URL + " must look like jdbc:postgresql://host:port/db, was '" + url + "'");
        }
        String user = values.get(STORAGE_USER);
        String password = values.get(STORAGE_PASSWORD);
        return new DatabaseSettings(url, user.isEmpty() ? null : user, password.isEmpty() ? null : password);
    }

    /** DRAW_AT (an ISO-8601 instant with its zone) and DRAW_AFTER_SECONDS, each optional. */
    private static CloseSettings close(Map<String, String> values) throws ConfigException {
        String at = values.get(DRAW_AT);
        Instant drawAt = null;
        if (!at.isEmpty()) {
            try {
                drawAt = ZonedDateTime.parse(at).toInstant();
            } catch (DateTimeParseException e) {
                throw new ConfigException(DRAW_AT + " must be an ISO-8601 instant with its zone, as"
                        + " 2026-12-24T21:00:00-03:00 or 2026-12-25T00:00:00Z, was '" + at + "'");
            }
        }
        Duration after = values.get(DRAW_AFTER_SECONDS).isEmpty() ? null
                : Duration.ofSeconds(integer(values, DRAW_AFTER_SECONDS, 1, 31_536_000));
        return new CloseSettings(drawAt, after);
    }

    /** {@code 1=secret-one,2=secret-two}: the agencies listed must say their token in HELLO. */
    private static Map<Long, String> tokens(String spec) throws ConfigException {
        Map<Long, String> tokens = new HashMap<>();
        if (spec.isBlank()) {
            return tokens;
        }
        for (String entry : spec.split(",")) {
            int equals = entry.indexOf('=');
            try {
                long agency = Long.parseLong(entry.substring(0, Math.max(equals, 0)).strip());
                String token = entry.substring(equals + 1).strip();
                if (agency >= 1 && !token.isEmpty()) {
                    tokens.put(agency, token);
                    continue;
                }
            } catch (NumberFormatException e) {
                // reported below with the key's name
            }
            throw new ConfigException(TOKENS + " must be a list like 1=secret,2=other, was '" + spec + "'");
        }
        return tokens;
    }
}
