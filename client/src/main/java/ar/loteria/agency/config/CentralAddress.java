package ar.loteria.agency.config;

import ar.loteria.agency.config.ConfigSources.Setting;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One central the agency can dial: an entry of {@code server.address} / {@code CLI_SERVER_ADDRESS}, which holds
 * one {@code host:port} or a comma-separated list of them (several centrals sharing one lottery). An IPv6 host
 * is written in brackets: {@code [::1]:12345}. Immutable.
 *
 * @param text the entry as configured, for log lines
 * @param host the host to dial (brackets removed)
 * @param port 1..65535
 */
public record CentralAddress(String text, String host, int port) {

    public CentralAddress {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(host, "host");
    }

    /** The entries of {@code setting}, in order; a malformed one is an error naming the setting's key. */
    static List<CentralAddress> parseList(Setting setting) throws AgencyConfigException {
        List<CentralAddress> entries = new ArrayList<>();
        for (String entry : setting.text().split(",", -1)) {
            entries.add(parse(setting, entry.trim()));
        }
        return List.copyOf(entries);
    }

    private static CentralAddress parse(Setting setting, String entry) throws AgencyConfigException {
        String rule = setting.text().indexOf(',') >= 0 ? "must be host:port entries separated by commas"
                : "must be host:port";
        int colon = entry.lastIndexOf(':');
        if (colon <= 0 || colon == entry.length() - 1) {
            throw setting.invalid(rule);
        }
        String host = entry.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw setting.invalid(rule);
        }
        int port;
        try {
            port = Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 0xFFFF) {
            throw setting.invalid(rule + " with a port in 1..65535");
        }
        return new CentralAddress(entry, host, port);
    }
}
