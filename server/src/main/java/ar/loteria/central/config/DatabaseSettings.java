package ar.loteria.central.config;

/**
 * Where the bets live when not in the CSV file: a PostgreSQL database shared by several centrals.
 *
 * @param url      STORAGE_URL, {@code jdbc:postgresql://host:port/db}; {@code null}: the CSV file
 *                 (STORAGE_FILEPATH)
 * @param user     STORAGE_USER, or {@code null}
 * @param password STORAGE_PASSWORD, or {@code null}
 */
public record DatabaseSettings(String url, String user, String password) {

    /** The CSV file, no database. */
    public static final DatabaseSettings NONE = new DatabaseSettings(null, null, null);

    public boolean enabled() {
        return url != null;
    }

    @Override
    public String toString() {
        // Never the password: this may end up in a log line.
        return "DatabaseSettings[url=" + url + ", user=" + user + "]";
    }
}
