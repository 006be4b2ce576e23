package ar.loteria.e2e;

import ar.loteria.launch.JarProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static ar.loteria.testkit.PrometheusText.sample;
import static ar.loteria.e2e.Composition.awaitPort;
import static ar.loteria.e2e.Composition.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's live page in a real browser (headless Chromium) while the real jars run a 20-agency draw: the page
 * follows the draw without being reloaded, and what it shows at the end is what the agencies were told.
 * Screenshots go to {@code target/status-page-*.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StatusPageBrowserTest {

    private static final int AGENCIES = 20;
    private static final int BETS = 4_000;
    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Path SHOTS = Path.of("target");

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void thePageFollowsATwentyAgencyDrawLiveAndEndsWithTheAgenciesOwnWinners() throws Exception {
        // given: a central with its status port, and the page open before any agency comes
        composition.generate(dir.resolve("data"), AGENCIES, BETS, 3, 20_26, true);
        int statusPort = freePort();
        JarProcess central = composition.server(AGENCIES, Map.of("STATUS_PORT", String.valueOf(statusPort),
                "STATUS_BIND", "127.0.0.1"));
        String betsPort = awaitPort(central);
        central.awaitLog("action: accept_status_requests \\| result: in_progress \\| port: " + statusPort,
                Duration.ofSeconds(5));
        String page = "http://127.0.0.1:" + statusPort + "/";
        try (Browser browser = Browser.open(dir, 1360, 1560)) {
            browser.get(page);
            browser.await(Duration.ofSeconds(20), "the page to show the empty draw", driver ->
                    browser.text("link-state").equals("live")
                            && browser.text("draw-state").equals("Waiting for 20 of 20 agencies"));
            assertEquals(0, browser.number("bets-stored"));
            assertEquals("No agency has connected yet.", browser.text("empty"));

            // when: the first ten agencies send everything and finish (they then wait for the draw)
            List<JarProcess> agencies = new ArrayList<>();
            for (int id = 1; id <= AGENCIES / 2; id++) {
                agencies.add(agency(id, betsPort));
            }

            // then: the page shows their bets and their finishing, without being reloaded
            browser.await(RUN, "ten agencies finished on the page", driver ->
                    browser.number("agencies-finished") == 10);
            assertEquals(10L * BETS, browser.number("bets-stored"));
            assertEquals("Waiting for 10 of 20 agencies", browser.text("draw-state"));
            assertEquals("finished", cell(browser, 3, "c-state"));
            assertEquals(BETS, Browser.digits(cell(browser, 3, "c-bets")));
            assertEquals("–", cell(browser, 3, "c-winners"));
            browser.screenshot(SHOTS.resolve("status-page-waiting.png"));

            // when: the other ten come
            for (int id = AGENCIES / 2 + 1; id <= AGENCIES; id++) {
                agencies.add(agency(id, betsPort));
            }

            // then: the count rises to every bet, the draw happens on the page, and each agency's winners there
            // are the ones the agency logged
            browser.await(RUN, "the draw on the page", driver -> browser.text("draw-state").startsWith("Drawn at "));
            for (int id = 1; id <= AGENCIES; id++) {
                JarProcess agency = agencies.get(id - 1);
                assertEquals(0, agency.awaitExit(RUN), String.join("\n", agency.lines()));
            }
            long total = 0;
            for (int id = 1; id <= AGENCIES; id++) {
                long winners = Long.parseLong(agencies.get(id - 1).awaitLog(
                        "action: consulta_ganadores \\| result: success \\| cant_ganadores: (\\d+)", RUN));
                int agency = id;
                browser.await(Duration.ofSeconds(10), "agency " + id + "'s winners on the page", driver ->
                        cell(browser, agency, "c-winners").equals(String.valueOf(winners)));
                assertEquals("finished", cell(browser, id, "c-state"));
                total += winners;
            }
            assertEquals(AGENCIES * 3L, total, "the generator's winners");
            assertEquals((long) AGENCIES * BETS, browser.number("bets-stored"));
            assertEquals(20, browser.number("agencies-finished"));
            assertEquals(total, browser.number("draw-figure"));
            assertTrue(browser.text("draw-detail").startsWith(total + " winning bets among 20 agencies"),
                    browser.text("draw-detail"));
            assertEquals("none refused", browser.text("batches-refused"));
            browser.await(Duration.ofSeconds(10), "every agency gone", driver ->
                    browser.number("connections") == 0);
            browser.screenshot(SHOTS.resolve("status-page-drawn.png"));
        }

        // and /metrics, scraped after the run, counts exactly the bets in the store
        long stored = rowsOf(dir.resolve("central/bets.csv")).size();
        assertEquals((long) AGENCIES * BETS, stored);
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(page + "metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(stored, (long) sample(metrics, "lottery_bets_stored_total"));
        assertEquals(1.0, sample(metrics, "lottery_draw_completed"));
        assertEquals(20.0, sample(metrics, "lottery_agencies_finished"));
        central.terminate();
        assertEquals(0, central.awaitExit(Duration.ofSeconds(20)));
        assertTrue(central.lines().stream().anyMatch(line -> line.contains(
                "action: close_status_listener | result: success | conexiones: ")), String.join("\n",
                central.lines()));
    }

    @Test
    void withATokenTheBrowserSendsItAsABasicPasswordAndThePageGoesLive() throws Exception {
        // given: a central whose status needs a token
        int statusPort = freePort();
        JarProcess central = composition.server(1, Map.of("STATUS_PORT", String.valueOf(statusPort),
                "STATUS_BIND", "127.0.0.1", "STATUS_TOKEN", "t0ken-of-the-day"));
        awaitPort(central);
        central.awaitLog("action: accept_status_requests \\| result: in_progress \\| port: " + statusPort
                + " \\| bind: 127.0.0.1 \\| token: required", Duration.ofSeconds(5));
        HttpClient http = HttpClient.newHttpClient();
        URI status = URI.create("http://127.0.0.1:" + statusPort + "/status.json");
        assertEquals(401, http.send(HttpRequest.newBuilder(status).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());

        // when: the operator gives the token as the password (what the browser's prompt would send)
        try (Browser browser = Browser.open(dir, 1200, 800)) {
            browser.get("http://operator:t0ken-of-the-day@127.0.0.1:" + statusPort + "/");

            // then: the page and its event stream are let in
            browser.await(Duration.ofSeconds(20), "the page live behind the token", driver ->
                    browser.text("link-state").equals("live")
                            && browser.text("draw-state").equals("Waiting for 1 of 1 agency"));
        }
        assertEquals(200, http.send(HttpRequest.newBuilder(status)
                .header("Authorization", "Bearer t0ken-of-the-day").build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void thePageCountsDownToTheCloseOfBettingAndNamesWhoHasNotFinished() throws Exception {
        // given: a lottery of three agencies that closes 15 s from now; agency 2 sends its bets and finishes,
        // agencies 1 and 3 never come
        composition.generate(dir.resolve("data"), 2, 400, 2, 7, true);
        int statusPort = freePort();
        java.time.Instant closesAt = java.time.Instant.now().plusSeconds(15)
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JarProcess central = composition.server(3, Map.of("STATUS_PORT", String.valueOf(statusPort),
                "STATUS_BIND", "127.0.0.1", "DRAW_AT", closesAt.toString()));
        String betsPort = awaitPort(central);
        JarProcess finished = agency(2, betsPort);
        finished.awaitLog("action: fin_apuestas|action: consulta_ganadores|result: in_progress", RUN);
        try (Browser browser = Browser.open(dir, 1360, 900)) {
            browser.get("http://127.0.0.1:" + statusPort + "/");

            // then: a countdown to the close, and the agencies not finished
            browser.await(Duration.ofSeconds(20), "the countdown to the close", driver ->
                    browser.text("close-detail").startsWith("Betting closes in "));
            String waiting = browser.text("close-detail");
            assertTrue(waiting.contains("or when the last agency finishes") && waiting.contains("never seen"),
                    waiting);
            browser.screenshot(SHOTS.resolve("status-page-closing.png"));

            // and when the close comes: the draw, and the close on the page
            browser.await(Duration.ofSeconds(30), "the draw at the close", driver ->
                    browser.text("draw-state").startsWith("Drawn at ")
                            && browser.text("close-detail").startsWith("Betting closed at "));
            assertTrue(browser.text("close-detail").contains("never seen"), browser.text("close-detail"));
        }
        assertEquals(0, finished.awaitExit(RUN), String.join("\n", finished.lines()));
        central.terminate();
        assertEquals(0, central.awaitExit(RUN));
    }

    private JarProcess agency(int id, String port) throws IOException {
        return composition.agency(id, "127.0.0.1:" + port, Map.of("CLI_DATA_FILE",
                dir.resolve("data/agency-" + id + ".csv").toString(), "CLI_BATCH_MAXAMOUNT", "25"));
    }

    /** The text of one cell of an agency's row, the row scrolled into view first. */
    private static String cell(Browser browser, int agency, String cell) {
        var row = browser.driver().findElement(By.cssSelector(".row[data-agency=\"" + agency + "\"]"));
        return row.findElement(By.className(cell)).getText();
    }
}
