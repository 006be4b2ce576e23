package ar.loteria.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of the project's programs running as a process of its own, as the end-to-end tests and the load generator
 * start them. Its output (errors included) is read line by line by a named thread, which keeps the lines, copies
 * them to a log file and notes the moment a central says it listens. Owned by whoever started it, who closes it.
 */
public final class JarProcess implements AutoCloseable {

    /** The line a central prints once it listens (the real one and the benchmark's references), with its port. */
    public static final Pattern LISTENING =
            Pattern.compile("action: accept_connections \\| result: in_progress \\| port: (\\d+)");

    /** The last line of a central's orderly shutdown. */
    public static final String SHUT_DOWN = "action: shutdown | result: success";

    private static final Duration READER_DRAIN = Duration.ofSeconds(5);
    /** How long the reader lets a running program's lines gather before it reads them. */
    private static final Duration GATHER = Duration.ofMillis(10);

    private final Process process;
    private final Path log;
    private final long startedNanos;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;
    private volatile long readyNanos;

    private JarProcess(Process process, Path log, long startedNanos) {
        this.process = process;
        this.log = log;
        this.startedNanos = startedNanos;
        this.reader = new Thread(this::readOutput, "jar-output-" + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * Starts {@code launch} in {@code workDir}. The environment is this one without the variables that configure
     * the project's programs, plus {@code env}, so that only what the caller passes configures them.
     */
    public static JarProcess start(Launch launch, Map<String, String> env, Path workDir, Path log)
            throws IOException {
        Files.createDirectories(workDir);
        ProcessBuilder builder = new ProcessBuilder(launch.command()).directory(workDir.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(JarProcess::configuresTheProject);
        environment.putAll(env);
        long started = System.nanoTime();
        return new JarProcess(builder.start(), log, started);
    }

    private static boolean configuresTheProject(String variable) {
        return variable.startsWith("CLI_") || variable.startsWith("SERVER_") || variable.startsWith("TLS_")
                || variable.startsWith("STORAGE_") || variable.startsWith("STATUS_")
                || List.of("AGENCIES", "LOGGING_LEVEL", "NOMBRE", "APELLIDO", "DOCUMENTO", "NACIMIENTO", "NUMERO")
                .contains(variable);
    }

    /**
     * Reader thread: every line to memory and to the log file, which is flushed whenever the pipe runs dry; once the
     * program listens, each time the pipe runs dry it lets lines gather for {@link #GATHER} before reading on.
     */
    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!port.isDone()) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        readyNanos = System.nanoTime();
                        port.complete(Integer.parseInt(matcher.group(1)));
                    }
                }
                lines.add(line);
                out.write(line);
                out.write('\n');
                if (!in.ready()) {
                    out.flush();
                    if (port.isDone() && process.isAlive()) {
                        // Lines gather in the pipe meanwhile: a reader waiting on the pipe would be woken for every
                        // line, and the program would pay for each wake-up while it writes (a central's storage
                        // thread logs a line per batch).
                        Thread.sleep(GATHER.toMillis());
                    }
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!port.isDone()) {
            port.completeExceptionally(new IllegalStateException("the process ended (exit " + exitCode()
                    + ") before listening:\n" + tail()));
        }
    }

    /** Waits until the program says it listens and returns its port, or fails with its last lines. */
    public int awaitPort(Duration timeout) throws InterruptedException {
        try {
            return port.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("not listening within " + timeout + ":\n" + tail(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** Milliseconds from starting the process to its {@link #LISTENING} line; read after {@link #awaitPort}. */
    public double readyMillis() {
        return (readyNanos - startedNanos) / 1e6;
    }

    /**
     * Waits for a line matching {@code regex} and returns its first group (the whole line when it has none); fails
     * with the output so far when the process ends first or the time runs out.
     */
    public String awaitLog(String regex, Duration timeout) throws InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // Read whether it ran before the lines: a line printed just before the end is then among them.
            boolean ended = !process.isAlive();
            if (ended) {
                reader.join(READER_DRAIN.toMillis());
            }
            for (String line : lines) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    return matcher.groupCount() > 0 ? matcher.group(1) : line;
                }
            }
            if (ended) {
                throw new IllegalStateException("process ended (exit " + process.exitValue() + ") before logging /"
                        + regex + "/:\n" + String.join("\n", lines()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no /" + regex + "/ within " + timeout + ":\n"
                        + String.join("\n", lines()));
            }
            Thread.sleep(20);
        }
    }

    /** Waits for the process to end and for its last lines to be read; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("still running after " + timeout + ":\n" + tail());
        }
        reader.join(READER_DRAIN.toMillis());
        return process.exitValue();
    }

    /** Sends SIGTERM, as {@code docker stop} does. */
    public void terminate() {
        // Through the handle: Process.destroy() would also close our end of the output and lose its last lines.
        process.toHandle().destroy();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The lines read so far. */
    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Whether the program logged the end of an orderly shutdown; complete once {@link #awaitExit} returned. */
    public boolean shutdownLogged() {
        return lines.stream().anyMatch(line -> line.contains(SHUT_DOWN));
    }

    private String tail() {
        List<String> all = lines();
        return "(" + log + ")\n" + String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    }

    /** The exit code once the process has ended (its output closing comes just before), bounded. */
    private String exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Kills the process (SIGKILL) if it still runs. */
    @Override
    public void close() {
        process.toHandle().destroyForcibly();
    }
}
