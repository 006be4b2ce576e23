package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.e2e.Composition.awaitPort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The central jar's status port as an operator meets it: its start and stop lines, and a port already taken. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusPortEndToEndTest {

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, Duration.ofSeconds(60));

    @Test
    void withTheStatusPortOnTheSecondLineIsStillAcceptConnectionsAndReadyTurns503OnSigterm() throws Exception {
        // given
        int statusPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            statusPort = free.getLocalPort();
        }
        JarProcess central = composition.server(1, Map.of("STATUS_PORT", String.valueOf(statusPort),
                "STATUS_BIND", "127.0.0.1"));
        awaitPort(central);
        central.awaitLog("action: accept_status_requests", Duration.ofSeconds(5));
        HttpClient http = HttpClient.newHttpClient();
        URI ready = URI.create("http://127.0.0.1:" + statusPort + "/ready");
        assertEquals(200, http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());

        // when
        central.terminate();

        // then
        assertEquals(0, central.awaitExit(Duration.ofSeconds(20)));
        List<String> log = central.lines();
        assertTrue(log.get(0).contains("action: config | result: success"), log.get(0));
        assertTrue(log.get(1).contains("action: accept_connections | result: in_progress"), log.get(1));
        assertTrue(log.get(2).endsWith("action: accept_status_requests | result: in_progress | port: " + statusPort
                + " | bind: 127.0.0.1 | token: none"), log.get(2));
        int status = indexOf(log, "action: close_status_listener | result: success");
        assertTrue(status > indexOf(log, "action: close_connections | result: success"), String.join("\n", log));
        assertTrue(status < indexOf(log, "action: close_event_loops | result: success"), String.join("\n", log));
        assertTrue(log.get(log.size() - 1).endsWith("action: shutdown | result: success"));
    }

    @Test
    void aStatusPortAlreadyTakenStopsTheCentralWithExitOneAndALineNamingTheKey() throws Exception {
        // given
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // when
            JarProcess central = composition.server(1, Map.of("STATUS_PORT", String.valueOf(taken.getLocalPort()),
                    "STATUS_BIND", "127.0.0.1"));

            // then
            assertEquals(1, central.awaitExit(Duration.ofSeconds(30)));
            List<String> log = central.lines();
            assertTrue(log.stream().anyMatch(line -> line.contains("ERROR    action: accept_status_requests | result: "
                    + "fail | port: " + taken.getLocalPort() + " | bind: 127.0.0.1 | error: STATUS_PORT "
                    + taken.getLocalPort() + " on 127.0.0.1 cannot be bound")), String.join("\n", log));
            assertFalse(log.stream().anyMatch(line -> line.contains("accept_connections | result: in_progress")),
                    "the bets port was never opened");
            assertFalse(Files.exists(dir.resolve("central/bets.csv")), "the store was never opened");
        }
    }

    private static int indexOf(List<String> log, String fragment) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + fragment + ":\n" + String.join("\n", log));
    }
}
