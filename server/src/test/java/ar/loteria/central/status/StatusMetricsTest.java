package ar.loteria.central.status;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static ar.loteria.testkit.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StatusMetrics} on a clock the test moves: how long the lottery's and the JVM's figures are served. */
class StatusMetricsTest {

    private static final Duration PUBLICATION = Duration.ofMillis(250);
    private static final String PROMETHEUS = "text/plain";

    private final FakeSource source = new FakeSource();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StatusMetrics metrics = new StatusMetrics(source, PUBLICATION, nanos::get);

    @Test
    void theJvmsFiguresAreCollectedAtMostEveryFiveSecondsWhileTheLotterysMoveOn() throws Exception {
        // given: one scrape
        source.status = FakeSource.status(0, 1, List.of(new AgencyStatus(1, 1, 10, false, -1)));
        double started = sample(render(), "jvm_threads_started_total");

        // when: a thread is started, and the scrapers ask again a publication later, then five seconds later
        Thread thread = new Thread(() -> { });
        thread.start();
        thread.join();
        source.status = FakeSource.status(250, 1, List.of(new AgencyStatus(1, 1, 25, false, -1)));
        nanos.addAndGet(PUBLICATION.toNanos());
        String soon = render();
        nanos.addAndGet(StatusMetrics.JVM_MAX_AGE.toNanos());
        String later = render();

        // then
        assertEquals(25.0, sample(soon, "lottery_bets_stored_total"), soon);
        assertEquals(started, sample(soon, "jvm_threads_started_total"), soon);
        assertTrue(sample(later, "jvm_threads_started_total") > started, later);
    }

    private String render() throws Exception {
        return new String(metrics.render(PROMETHEUS).bytes(), StandardCharsets.UTF_8);
    }
}
