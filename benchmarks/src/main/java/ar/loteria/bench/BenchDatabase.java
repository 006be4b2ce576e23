package ar.loteria.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The PostgreSQL server a benchmark runs the central on ({@code --storage-url}): a new database for every run,
 * created on that server and dropped after it, so each run starts from empty tables as the CSV runs start from a
 * new file. Also reads the CPU time of the server's processes, for the profile. The generator's main thread.
 */
final class BenchDatabase {

    private final String url;
    private final String user;
    private final String password;

    BenchDatabase(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Creates database {@code name} (dropping a leftover of that name) and returns the central's settings. */
    Map<String, String> create(String name) throws SQLException {
        execute("DROP DATABASE IF EXISTS " + name);
        execute("CREATE DATABASE " + name);
        return Map.of("STORAGE_URL", urlOf(name), "STORAGE_USER", user == null ? "" : user,
                "STORAGE_PASSWORD", password == null ? "" : password);
    }

    /** The bets stored in database {@code name}. */
    long bets(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(urlOf(name), user, password);
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM bets")) {
            count.next();
            return count.getLong(1);
        }
    }

    /** The server's URL with {@code name} for its database. */
    private String urlOf(String name) {
        return url.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    }

    void drop(String name) throws SQLException {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** CPU seconds used so far by the processes named {@code postgres} here (the server and its backends). */
    static double serverCpuSeconds() {
        double seconds = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    if (!Files.readString(process.resolve("comm")).trim().equals("postgres")) {
                        continue;
                    }
                    String stat = Files.readString(process.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    seconds += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                } catch (IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return seconds;
    }
}
