package ar.loteria.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The central's jar started as a process of its own for one benchmark run, on a free port and a fresh store. Its
 * output goes to a log file, read by a named thread that notices when it listens. Owned by the run: closed by it.
 */
final class CentralProcess implements AutoCloseable {

    private static final Pattern LISTENING =
            Pattern.compile("action: accept_connections \\| result: in_progress \\| port: (\\d+)");

    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final long startedNanos;
    private final Thread reader;
    private volatile long readyNanos;
    private volatile boolean shutdownLogged;

    private CentralProcess(Process process, long startedNanos, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.reader = new Thread(() -> copyOutput(log), "central-output");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * @param java the {@code java} binary to run it with; null for this JVM's own
     */
    static CentralProcess start(Path java, Path jar, List<String> jvmOptions, Map<String, String> env, Path workDir,
                                Path log) throws IOException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>();
        Path binary = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
        command.add(binary.toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        long started = System.nanoTime();
        return new CentralProcess(builder.start(), started, log);
    }

    private void copyOutput(Path log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.println(line);
                shutdownLogged |= line.contains("action: shutdown | result: success");
                Matcher matcher = LISTENING.matcher(line);
                if (!port.isDone() && matcher.find()) {
                    readyNanos = System.nanoTime();
                    port.complete(Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the central ended before listening; see " + log));
    }

    /** Waits until the central listens; returns its port. */
    int awaitPort() throws Exception {
        return port.get(30, TimeUnit.SECONDS);
    }

    /** Milliseconds from starting the process to its "accept_connections" line. */
    double readyMillis() {
        return (readyNanos - startedNanos) / 1e6;
    }

    /** A line of {@code /proc/PID/status} as a number (VmHWM in kB, Threads), or -1 where /proc is missing. */
    long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU seconds the central's threads have used so far, summed by role (event loops, storage, GC, JIT compiler,
     * other), from {@code /proc/PID/task/*}; empty where /proc is missing.
     */
    Map<String, Double> cpuByRole() {
        Map<String, Double> roles = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        try (var threads = Files.list(tasks)) {
            for (Path task : threads.toList()) {
                String name = Files.readString(task.resolve("comm")).trim();
                String stat = Files.readString(task.resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                roles.merge(roleOf(name), seconds, Double::sum);
            }
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
        return roles;
    }

    private static String roleOf(String thread) {
        if (thread.startsWith("central-io")) {
            return "event-loops";
        }
        if (thread.startsWith("bet-storage")) {
            return "storage";
        }
        if (thread.startsWith("GC ") || thread.startsWith("G1 ")) {
            return "gc";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        return "other";
    }

    /** Whether the central logged the end of its orderly shutdown; read after {@link #stop()}. */
    boolean shutdownLogged() {
        return shutdownLogged;
    }

    /** SIGTERM, then the exit code (bounded wait). */
    int stop() throws InterruptedException {
        // SIGTERM through the handle: Process.destroy() would also close our end of its output, losing the
        // shutdown lines it logs.
        process.toHandle().destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        reader.join(5_000);
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
