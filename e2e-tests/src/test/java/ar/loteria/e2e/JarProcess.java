package ar.loteria.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the project's jars running as its own process, its output going to a log file. Test-owned: closed by the
 * test.
 */
final class JarProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** The server jar, or fails the test with a hint when it has not been packaged. */
    static Path serverJar() {
        return jar("lottery.serverJar");
    }

    static Path clientJar() {
        return jar("lottery.clientJar");
    }

    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests with `mvn -B verify`, which packages "
                    + "the jars before this module's tests");
        }
        return jar;
    }

    /**
     * Starts {@code java -jar jar args} in {@code workDir} with a clean environment plus {@code env}; output and
     * errors go to {@code log}.
     */
    static JarProcess start(Path jar, Path workDir, Map<String, String> env, Path log, String... args)
            throws IOException {
        Files.createDirectories(workDir);
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("CLI_") || key.startsWith("SERVER_")
                || key.startsWith("TLS_") || key.startsWith("STATUS_")
                || List.of("AGENCIES", "LOGGING_LEVEL", "STORAGE_FILEPATH", "NOMBRE", "APELLIDO", "DOCUMENTO",
                "NACIMIENTO", "NUMERO").contains(key));
        environment.putAll(env);
        return new JarProcess(builder.start(), log);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Waits for a log line matching {@code regex}; returns its first group. */
    String awaitLog(String regex, Duration timeout) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String line : lines()) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher.groupCount() > 0 ? matcher.group(1) : line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError("process ended (exit " + process.exitValue() + ") before logging /" + regex
                        + "/:\n" + String.join("\n", lines()));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no /" + regex + "/ within " + timeout + ":\n" + String.join("\n", lines()));
    }

    /** Waits for the process to end and returns its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("still running after " + timeout + ":\n" + String.join("\n", lines()));
        }
        return process.exitValue();
    }

    /** Sends SIGTERM, as {@code docker stop} does. */
    void terminate() {
        process.destroy();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> lines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
