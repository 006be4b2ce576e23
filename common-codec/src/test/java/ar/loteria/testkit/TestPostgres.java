package ar.loteria.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's binaries ({@code scripts/ensure-postgres.sh} installs them), a new
 * cluster in a temporary folder, listening on a free loopback port, with password authentication over TCP. As root
 * it runs as the {@code postgres} user, since PostgreSQL refuses to run as root. Test-owned: {@link #close()} (or,
 * for {@link #shared()}, the JVM's exit) stops it and removes its folder.
 */
public final class TestPostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "lottery-test";
    private static final long WAIT_SECONDS = 60;
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestPostgres shared;

    private final Path bin;
    private final Path dir;
    private final boolean asPostgres;
    private int port;

    private TestPostgres(Path bin, Path dir, boolean asPostgres) {
        this.bin = bin;
        this.dir = dir;
        this.asPostgres = asPostgres;
    }

    /** One server for every test of this JVM, started on first use, stopped when the JVM exits. */
    public static synchronized TestPostgres shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = start();
            TestPostgres server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "test-postgres-stop"));
        }
        return shared;
    }

    /** A server of the test's own (one it may stop and start again): initdb, then start. */
    public static TestPostgres start() throws IOException, InterruptedException {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("lottery-pg-");
        TestPostgres server = new TestPostgres(bin, dir, root);
        try {
            if (root) {
                UserPrincipal postgres = FileSystems.getDefault().getUserPrincipalLookupService()
                        .lookupPrincipalByName(USER);
                Files.setOwner(dir, postgres);
            }
            Path passwordFile = dir.resolve("pwfile");
            server.runAsOwner(List.of("sh", "-c", "printf '%s\\n' \"$0\" > \"$1\"", PASSWORD, passwordFile.toString()));
            server.runAsOwner(List.of(bin.resolve("initdb").toString(), "-D", server.data().toString(), "-U", USER,
                    "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync"));
            server.startOnFreePort();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Debian's server binaries, newest version first; PG_BIN names another folder. */
    private static Path binaries() throws IOException {
        String configured = System.getenv("PG_BIN");
        if (configured != null) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path newest = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("postgres")))
                        .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString()
                                .replaceAll("\\D", "0")))).orElse(null);
                if (newest != null) {
                    return newest;
                }
            }
        }
        throw new IllegalStateException("PostgreSQL's server is not installed: run scripts/ensure-postgres.sh "
                + "(Debian's postgresql package), or set PG_BIN to the folder holding initdb and pg_ctl");
    }

    private Path data() {
        return dir.resolve("data");
    }

    private void startOnFreePort() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            try {
                start(port);
                return;
            } catch (IOException e) {
                // the port was taken in between: another one
                last = e;
            }
        }
        throw last;
    }

    private void start(int onPort) throws IOException, InterruptedException {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                dir.resolve("server.log").toString(), "-w", "-t", String.valueOf(WAIT_SECONDS), "start", "-o",
                "-c listen_addresses=127.0.0.1 -p " + onPort + " -c unix_socket_directories=" + dir
                        + " -c fsync=off -c full_page_writes=off -c max_connections=200"));
    }

    /** Starts the server again on the same port after {@link #stop()} or {@link #kill()}. */
    public void restart() throws IOException, InterruptedException {
        start(port);
    }

    /** Stops the server, closing every open session (a database going down for maintenance). */
    public void stop() throws IOException, InterruptedException {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "fast", "-w", "-t",
                String.valueOf(WAIT_SECONDS), "stop"));
    }

    /** Stops the server at once, as a crash would: it recovers from its log at the next start. */
    public void kill() throws IOException, InterruptedException {
        runAsOwner(List.of(bin.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w", "-t",
                String.valueOf(WAIT_SECONDS), "stop"));
    }

    /**
     * Stops every process of the server with SIGSTOP, as a machine that hangs: connections are still accepted by the
     * system, but nothing is ever answered. {@link #thaw()} resumes them; {@link #close()} does too.
     */
    public void freeze() throws IOException, InterruptedException {
        signalEveryProcess("-STOP");
    }

    /** Resumes a server {@link #freeze() frozen} (SIGCONT). */
    public void thaw() throws IOException, InterruptedException {
        signalEveryProcess("-CONT");
    }

    private void signalEveryProcess(String signal) throws IOException, InterruptedException {
        long postmaster = Long.parseLong(Files.readAllLines(data().resolve("postmaster.pid")).get(0).trim());
        List<String> children = new ArrayList<>();
        ProcessHandle.of(postmaster).ifPresent(server -> server.descendants()
                .forEach(child -> children.add(String.valueOf(child.pid()))));
        signal(signal, List.of(String.valueOf(postmaster)), true);
        // A backend may end between the listing and the signal: only the postmaster's must succeed.
        signal(signal, children, false);
    }

    private static void signal(String signal, List<String> pids, boolean mustSucceed)
            throws IOException, InterruptedException {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", signal));
        command.addAll(pids);
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(WAIT_SECONDS, TimeUnit.SECONDS) || (mustSucceed && kill.exitValue() != 0)) {
            throw new IOException(String.join(" ", command) + " failed: " + printed);
        }
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database}. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates a new, empty database and returns its JDBC URL. */
    public String newDatabase() throws IOException, InterruptedException {
        String name = "lottery_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        sql("postgres", "CREATE DATABASE " + name);
        return url(name);
    }

    /** Runs SQL through psql on {@code database} and returns what it printed (unaligned, tuples only). */
    public String sql(String database, String sql) throws IOException, InterruptedException {
        return runAsOwner(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port),
                "-U", USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-tAc", sql)).trim();
    }

    /** The server's own log, for a failing test's message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no server log: " + e.getMessage() + ")";
        }
    }

    private String runAsOwner(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", USER, "--"));
        }
        full.addAll(command);
        return Commands.run(full, Map.of("PGPASSWORD", PASSWORD, "LC_ALL", "C.UTF-8"),
                Duration.ofSeconds(WAIT_SECONDS * 2));
    }

    /** Stops the server (at once) and removes its folder. Idempotent. */
    @Override
    public void close() {
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                thaw();
                kill();
            }
        } catch (IOException | InterruptedException e) {
            // best effort: the folder goes anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
