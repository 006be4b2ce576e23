package ar.loteria.agency.config;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the agency's settings come from: {@code config.yaml}, read once, and the environment, whose non-empty
 * variables win. Each setting is looked up with the key or variable it came from, so that an error names it.
 * Used once, at start, by the thread that loads the configuration.
 */
final class ConfigSources {

    private final Map<?, ?> yaml;
    private final Map<String, String> env;

    private ConfigSources(Map<?, ?> yaml, Map<String, String> env) {
        this.yaml = yaml;
        this.env = env;
    }

    /** Reads {@code file}, a missing file meaning no keys; {@code env} is kept as given. */
    static ConfigSources read(Path file, Map<String, String> env) throws AgencyConfigException {
        return new ConfigSources(readYaml(file), env);
    }

    /**
     * The value of a dotted yaml key, overridden by {@code variable} when that is set and not blank;
     * {@code fallback} (may be null) when neither is there. A null {@code variable} reads the file alone.
     */
    Setting setting(String path, String variable, String fallback) throws AgencyConfigException {
        String override = variable == null ? null : env.get(variable);
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

    /** Empty and blank values count as unset. */
    static boolean isSet(String value) {
        return value != null && !value.isBlank();
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

    /** A raw setting and where it came from (yaml key or variable), so that errors name the right one. */
    record Setting(String key, String text) {

        AgencyConfigException invalid(String rule) {
            return new AgencyConfigException(key, "'" + text + "' " + rule);
        }

        /** The text as an integer in {@code min..max}. */
        long integer(long min, long max) throws AgencyConfigException {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw invalid("must be an integer in " + min + ".." + max);
            }
            if (value < min || value > max) {
                throw invalid("must be an integer in " + min + ".." + max);
            }
            return value;
        }
    }
}
