package ar.loteria.e2e;

import ar.loteria.central.config.StatusSettings;
import ar.loteria.central.status.AgencyStatus;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.central.status.IngestSample;
import ar.loteria.central.status.Readiness;
import ar.loteria.central.status.StatusServer;
import ar.loteria.central.status.StatusSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The live page with 1,000 agencies, their bets changing at every event: it stays one scrollable, sortable table
 * whose row elements are reused, not rebuilt. The status server runs on a synthetic draw, since 1,000 agency
 * processes would not fit this machine. Screenshot: {@code target/status-page-1000.png}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusPageScaleBrowserTest {

    private static final int AGENCIES = 1_000;

    @TempDir
    Path dir;

    private final SyntheticDraw draw = new SyntheticDraw(AGENCIES);

    @AfterEach
    void stop() {
        draw.close();
    }

    @Test
    void aThousandAgenciesMakeOneScrollableSortedTableWhoseRowsAreReused() throws Exception {
        // given: the page open on a draw whose agencies store bets at every publication
        try (StatusServer server = StatusServer.start(new StatusSettings(0, "127.0.0.1", null), draw);
             Browser browser = Browser.open(dir, 1360, 1300)) {
            browser.get("http://127.0.0.1:" + server.port() + "/");
            browser.await(Duration.ofSeconds(20), "1,000 agencies on the page",
                    driver -> browser.text("agency-count").equals("1,000 known"));
            JavascriptExecutor js = (JavascriptExecutor) browser.driver();

            // when: it follows 3 s of events, every one of which changes 50 agencies
            js.executeScript("""
                    window.addedElements = 0; window.removedElements = 0;
                    new MutationObserver((records) => {
                      for (const r of records) {
                        r.addedNodes.forEach((n) => { if (n.nodeType === 1) window.addedElements++; });
                        r.removedNodes.forEach((n) => { if (n.nodeType === 1) window.removedElements++; });
                      }
                    }).observe(document.getElementById('rows'), { childList: true, subtree: true });""");
            long before = browser.number("bets-stored");
            Thread.sleep(3_000);

            // then: the figures moved, yet no row element was created or removed, and only the visible rows exist
            assertTrue(browser.number("bets-stored") > before, "the page follows the events");
            assertEquals(0L, js.executeScript("return window.addedElements;"));
            assertEquals(0L, js.executeScript("return window.removedElements;"));
            int rows = browser.driver().findElements(By.cssSelector("#rows .row")).size();
            assertTrue(rows > 10 && rows < 60, rows + " row elements for 1,000 agencies");

            // when: sorted by bets stored, the draw held still
            draw.freeze();
            Thread.sleep(600);
            browser.driver().findElement(By.cssSelector("button[data-sort='betsStored']")).click();
            Thread.sleep(300);

            // then: the agency with the most bets comes first
            AgencyStatus most = draw.status().agencies().stream()
                    .max((a, b) -> a.betsStored() != b.betsStored() ? Long.compare(a.betsStored(), b.betsStored())
                            : Long.compare(b.agency(), a.agency()))
                    .orElseThrow();
            assertEquals("#" + most.agency(), firstRow(browser).findElement(By.className("c-agency")).getText());
            assertEquals(most.betsStored(), Browser.digits(firstRow(browser).findElement(By.className("c-bets"))
                    .getText()));
            browser.screenshot(Path.of("target", "status-page-1000.png"));

            // when: sorted by agency and scrolled to the end
            browser.driver().findElement(By.cssSelector("button[data-sort='agency']")).click();
            js.executeScript("const r = document.getElementById('rows'); r.scrollTop = r.scrollHeight;");

            // then: the last agency is there
            browser.await(Duration.ofSeconds(5), "agency 1000 at the end of the list", driver ->
                    !driver.findElements(By.cssSelector(".row[data-agency='1000']")).isEmpty());

            // when: looking for agency ids starting with 77
            browser.driver().findElement(By.id("search")).sendKeys("77");

            // then: 77 and 770-779
            List<String> found = browser.await(Duration.ofSeconds(5), "the search's rows", driver -> {
                List<String> ids = new ArrayList<>();
                for (WebElement row : driver.findElements(By.cssSelector("#rows .row[data-agency]"))) {
                    if (row.isDisplayed()) {
                        ids.add(row.getDomAttribute("data-agency"));
                    }
                }
                return ids.size() == 11 ? ids : null;
            });
            assertEquals(List.of("77", "770", "771", "772", "773", "774", "775", "776", "777", "778", "779"),
                    found);
        }
    }

    private static WebElement firstRow(Browser browser) {
        return browser.driver().findElements(By.cssSelector("#rows .row[data-agency]")).stream()
                .filter(row -> row.getCssValue("transform").equals("none")
                        || row.getCssValue("transform").equals("matrix(1, 0, 0, 1, 0, 0)"))
                .findFirst().orElseThrow();
    }

    /**
     * A draw with {@code agencies} agencies in which, every 250 ms, 50 of them store some bets; a fifth of them have
     * finished. Publishes on its own named thread, as the storage thread would.
     */
    private static final class SyntheticDraw implements StatusSource, AutoCloseable {

        private final int agencies;
        private final long[] bets;
        private final ArrayDeque<IngestSample> ingest = new ArrayDeque<>();
        private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(runnable ->
                new Thread(runnable, "synthetic-draw"));
        private volatile CentralStatus status;
        private volatile boolean frozen;
        private int turn;

        SyntheticDraw(int agencies) {
            this.agencies = agencies;
            this.bets = new long[agencies + 1];
            publish();
            publisher.scheduleAtFixedRate(this::publish, 250, 250, TimeUnit.MILLISECONDS);
        }

        void freeze() {
            frozen = true;
        }

        private void publish() {
            if (frozen) {
                return;
            }
            turn++;
            for (int i = 0; i < 50; i++) {
                int agency = 1 + (int) ((turn * 50L + i) * 7919 % agencies);
                bets[agency] += 100 + (agency * 31L + turn) % 400;
            }
            List<AgencyStatus> rows = new ArrayList<>(agencies);
            long total = 0;
            int finished = 0;
            for (int agency = 1; agency <= agencies; agency++) {
                boolean done = agency % 5 == 0;
                finished += done ? 1 : 0;
                rows.add(new AgencyStatus(agency, done || agency % 7 == 0 ? 0 : 1, bets[agency], done, -1));
                total += bets[agency];
            }
            Instant now = Instant.now();
            ingest.addLast(new IngestSample(now, total));
            while (ingest.size() > 240) {
                ingest.removeFirst();
            }
            status = new CentralStatus(now, agencies, finished, null, total, total / 100, Map.of(), finished,
                    total * 48, rows, new ArrayList<>(ingest));
        }

        @Override
        public CentralStatus status() {
            return status;
        }

        @Override
        public int openConnections() {
            return agencies - agencies / 5;
        }

        @Override
        public Readiness readiness() {
            return Readiness.READY;
        }

        @Override
        public void close() {
            publisher.shutdownNow();
        }
    }
}
