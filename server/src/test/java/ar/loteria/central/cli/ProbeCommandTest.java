package ar.loteria.central.cli;

import ar.loteria.central.CentralServer;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.StatusSettings;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code probe} against a real central's status port on loopback, configured as the server is: by environment. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProbeCommandTest {

    @TempDir
    Path dir;

    private CentralServer central;

    /** What a probe printed and returned. */
    private record Outcome(int status, List<String> lines) {
    }

    private int startCentral(String token) throws Exception {
        int port = freePort();
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, 2, dir.resolve("bets.csv"), 1000,
                Duration.ofSeconds(30), Map.of()).withStatus(new StatusSettings(port, "127.0.0.1", token));
        central = new CentralServer(config, null, 1, Ledgers.opener(config));
        central.start();
        return port;
    }

    @AfterEach
    void stop() {
        if (central != null) {
            central.close();
        }
    }

    private Outcome probe(Map<String, String> more, String... args) {
        Map<String, String> env = new HashMap<>(Map.of("STORAGE_FILEPATH", dir.resolve("bets.csv").toString()));
        env.putAll(more);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String[] command = new String[args.length + 1];
        command[0] = "probe";
        System.arraycopy(args, 0, command, 1, args.length);
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int status = CentralMain.execute(dir.resolve("no-config.ini"), env, out, out, command);
        return new Outcome(status, bytes.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aRunningCentralIsReadyByDefaultAndAnswersEveryPathAsked() throws Exception {
        // given
        int port = startCentral(null);
        Map<String, String> env = Map.of("STATUS_PORT", String.valueOf(port), "STATUS_BIND", "127.0.0.1");

        // when
        Outcome ready = probe(env);
        Outcome pages = probe(env, "/", "/metrics", "/status.json", "/events", "/health");

        // then: the event stream is left after its first event
        String base = "GET http://127.0.0.1:" + port;
        assertEquals(new Outcome(0, List.of(base + "/ready 200")), ready);
        assertEquals(new Outcome(0, List.of(base + "/ 200", base + "/metrics 200", base + "/status.json 200",
                base + "/events 200", base + "/health 200")), pages);
    }

    @Test
    void theTokenOfTheConfigurationIsSentAndAnyAnswerButOkFailsTheProbe() throws Exception {
        // given: a central that asks for a token
        int port = startCentral("s3cret");
        String base = "GET http://127.0.0.1:" + port;

        // when
        Outcome withToken = probe(Map.of("STATUS_PORT", String.valueOf(port), "STATUS_TOKEN", "s3cret"), "/ready");
        Outcome wrongToken = probe(Map.of("STATUS_PORT", String.valueOf(port), "STATUS_TOKEN", "guess"), "/ready");
        Outcome unknownPath = probe(Map.of("STATUS_PORT", String.valueOf(port), "STATUS_TOKEN", "s3cret"), "/ready",
                "/nothing-here");

        // then: STATUS_BIND 0.0.0.0 (the default) is asked on 127.0.0.1
        assertEquals(new Outcome(0, List.of(base + "/ready 200")), withToken);
        assertEquals(new Outcome(1, List.of(base + "/ready 401")), wrongToken);
        assertEquals(new Outcome(1, List.of(base + "/ready 200", base + "/nothing-here 404")), unknownPath);
    }

    @Test
    void noCentralAStatusPortTurnedOffAndABadArgumentEachHaveTheirAnswer() throws Exception {
        // given: nothing listens on the port
        int port = freePort();

        // when
        Outcome nobody = probe(Map.of("STATUS_PORT", String.valueOf(port)));
        Outcome off = probe(Map.of("STATUS_PORT", "0"));
        Outcome badArgument = probe(Map.of(), "ready");

        // then
        assertEquals(1, nobody.status());
        assertEquals(1, nobody.lines().size());
        assertTrue(nobody.lines().get(0).startsWith("GET http://127.0.0.1:" + port + "/ready failed: "),
                nobody.lines().get(0));
        assertEquals(new Outcome(1, List.of("the status port is off (STATUS_PORT=0)")), off);
        assertEquals(2, badArgument.status());
        assertEquals("a path starts with /: ready", badArgument.lines().get(0));
    }
}
