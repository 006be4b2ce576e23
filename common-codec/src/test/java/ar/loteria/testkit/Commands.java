package ar.loteria.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of the test's machine (a script, a database tool) to its end and returns what it printed. The
 * output goes to a temporary file rather than a pipe, so that a child the command leaves running (a server it
 * starts) never holds the test on an open pipe. The command runs from the temporary folder, which every user may
 * enter: one that switches to another user (the postgres user, say) would otherwise complain, into the output,
 * when the checkout's folder is closed to that user.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs {@code command} with {@code env} added to the test's environment and returns its standard output and error
     * together.
     *
     * @throws IOException when it cannot start, is still running after {@code limit} (it is then killed), or exits
     *                     non-zero; the message holds the command and what it printed
     */
    public static String run(List<String> command, Map<String, String> env, Duration limit)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("lottery-cmd", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).directory(new File(System.getProperty("java.io.tmpdir")));
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " still running after " + limit);
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ":\n" + printed);
            }
            return printed;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
