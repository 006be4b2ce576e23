package ar.loteria.central.cli;

import ar.loteria.central.config.ConfigException;
import ar.loteria.central.config.ServerConfigLoader;
import ar.loteria.central.config.StatusSettings;
import ar.loteria.central.log.CentralLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar lottery-server.jar probe [PATH...]}: asks the central running on this machine for paths of its
 * status port ({@code /ready} by default), with the port, interface and token of the central's configuration
 * ({@code ./config.ini} and the environment, as the server reads them). A health check for images that have no
 * HTTP client: {@code docker exec server java -jar /app/lottery-server.jar probe}. Prints a line per path; exit 0
 * when every path answered 200, 1 otherwise (or when the status port is off or the configuration is bad), 2 for
 * bad arguments (picocli's usage error, printed to {@code out} with the rest). For {@code /events} it reads the
 * stream's first event, then leaves. Main thread.
 */
@Command(name = ProbeCommand.NAME, usageHelpAutoWidth = true,
        description = "Asks this machine's central for status paths (STATUS_PORT, STATUS_BIND, STATUS_TOKEN).")
final class ProbeCommand implements Callable<Integer> {

    static final String NAME = "probe";
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "status paths to ask for (default: /ready)")
    private List<String> paths = new ArrayList<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    @Spec
    private CommandSpec spec;

    private final Path configFile;
    private final Map<String, String> env;
    private final PrintStream out;

    /**
     * The command with the configuration of {@code configFile} and {@code env}, as the server reads them, printing
     * to {@code out}.
     */
    ProbeCommand(Path configFile, Map<String, String> env, PrintStream out) {
        this.configFile = configFile;
        this.env = env;
        this.out = out;
    }

    /** Asks for each path; returns the exit status. */
    @Override
    public Integer call() {
        for (String path : paths) {
            if (!path.startsWith("/")) {
                throw new ParameterException(spec.commandLine(), "a path starts with /: " + path);
            }
        }
        List<String> asked = paths.isEmpty() ? List.of("/ready") : paths;
        StatusSettings status;
        try {
            status = ServerConfigLoader.load(configFile, env).status();
        } catch (ConfigException e) {
            CentralLog.configRefused(e.getMessage());
            return 1;
        }
        if (!status.enabled()) {
            out.println("the status port is off (STATUS_PORT=0)");
            return 1;
        }
        String host = status.bind().equals("0.0.0.0") || status.bind().equals("::") ? "127.0.0.1" : status.bind();
        boolean allOk = true;
        for (String path : asked) {
            String answer;
            try {
                int code = get(host, status.port(), path, status.token());
                answer = String.valueOf(code);
                allOk &= code == 200;
            } catch (IOException e) {
                answer = "failed: " + e.getMessage();
                allOk = false;
            }
            out.println("GET http://" + host + ":" + status.port() + path + " " + answer);
        }
        return allOk ? 0 : 1;
    }

    /** One request on a connection of its own; returns the status code (an event stream: after its first event). */
    private static int get(String host, int port, String path, String token) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream request = socket.getOutputStream();
            request.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n"
                    + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            BufferedReader response = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8));
            String statusLine = response.readLine();
            String[] parts = statusLine == null ? new String[0] : statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int code = Integer.parseInt(parts[1]);
            boolean stream = false;
            for (String line = response.readLine(); line != null && !line.isEmpty(); line = response.readLine()) {
                stream |= line.toLowerCase().startsWith("content-type: text/event-stream");
            }
            if (stream && code == 200) {
                awaitFirstEvent(response);
            }
            return code;
        }
    }

    /** Reads an event stream's chunks until an event's data has come whole (a blank line after a data line). */
    private static void awaitFirstEvent(BufferedReader stream) throws IOException {
        boolean data = false;
        for (String line = stream.readLine(); line != null; line = stream.readLine()) {
            if (line.startsWith("data:")) {
                data = true;
            } else if (line.isEmpty() && data) {
                return;
            }
        }
    }
}
