package ar.loteria.central.status;

import ar.loteria.central.StorageDispatcher;
import ar.loteria.central.ledger.AgencyTally;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.LedgerView;
import ar.loteria.central.ledger.Outcome;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the operator's view costs at a given number of agencies: the storage thread's time to publish a status, and
 * the event loop's time to render each response, with the response's size. It also renders {@code /metrics} with
 * per-agency series (three gauges per agency), the alternative that was measured and left out. Medians of several
 * runs after a warm-up, one thread.
 *
 * <p>{@code java -cp lottery-bench.jar ar.loteria.central.status.StatusBenchmark [agencies] [runs]}
 */
public final class StatusBenchmark {

    private StatusBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int agencies = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 101;
        System.out.printf(Locale.ROOT, "status view at %,d agencies, %d runs (median, min-max)%n", agencies, runs);
        snapshotCost(agencies);

        CentralStatus before = status(agencies, 0);
        CentralStatus after = status(agencies, 1);
        StatusSource source = new StatusSource() {
            @Override
            public CentralStatus status() {
                return after;
            }

            @Override
            public int openConnections() {
                return agencies;
            }

            @Override
            public Readiness readiness() {
                return Readiness.READY;
            }
        };
        // No reuse of a render here: each one is measured.
        StatusMetrics metrics = new StatusMetrics(source, Duration.ZERO, System::nanoTime);
        PrometheusRegistry perAgency = new PrometheusRegistry();
        perAgency.register(new PerAgencyCollector(source));
        PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();

        measure("GET /status.json (the whole status)", runs,
                () -> StatusJson.document(after, agencies, Readiness.READY).length());
        measure("an /events update, 50 agencies changed", runs,
                () -> StatusJson.update(before, after, agencies, Readiness.READY).length());
        measure("GET /metrics as served (lottery_* and jvm_*)", runs, () -> metrics.render(null).bytes().length);
        measure("GET /metrics plus 3 series per agency", runs, () -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(metrics.render(null).bytes());
            text.write(out, perAgency.scrape());
            return out.size();
        });
    }

    /** The storage thread's CPU time per publication, over 10 s of publishing every 250 ms. */
    private static void snapshotCost(int agencies) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (StorageDispatcher dispatcher = StorageDispatcher.open(() -> new ViewLedger(agencies))) {
            long storageThread = -1;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && info.getThreadName().startsWith("bet-storage")) {
                    storageThread = info.getThreadId();
                }
            }
            long cpuBefore = threads.getThreadCpuTime(storageThread);
            dispatcher.publishStatusEvery(Duration.ofMillis(250));
            Thread.sleep(10_000);
            long cpu = threads.getThreadCpuTime(storageThread) - cpuBefore;
            System.out.printf(Locale.ROOT, "%-48s %8.2f ms CPU per publication (40 in 10 s), %.1f %% of a core%n",
                    "publish the status (storage thread)", cpu / 40 / 1e6, cpu / 1e7 / 10);
        }
    }

    /** A status of {@code agencies} agencies; {@code turn} 1 moves 50 of them on. */
    static CentralStatus status(int agencies, int turn) {
        List<AgencyStatus> rows = new ArrayList<>(agencies);
        long total = 0;
        for (int agency = 1; agency <= agencies; agency++) {
            long bets = 15_740 + (agency % 97) + (turn == 1 && agency % (agencies / 50) == 0 ? 200 : 0);
            rows.add(new AgencyStatus(agency, agency % 3 == 0 ? 0 : 1, bets, agency % 4 == 0, -1));
            total += bets;
        }
        Instant now = Instant.parse("2026-12-01T10:00:00Z").plusMillis(250L * turn);
        List<IngestSample> ingest = new ArrayList<>();
        for (int i = 239; i >= 0; i--) {
            ingest.add(new IngestSample(now.minusMillis(250L * i), total - i * 1000L));
        }
        return new CentralStatus(now, agencies, agencies / 4, null, total, total / 100, Map.of(), 12, total * 48,
                rows, ingest);
    }

    private interface Render {
        int bytes() throws IOException;
    }

    private static void measure(String what, int runs, Render render) throws IOException {
        // Warm-up: the event loops render these many times over a draw, compiled.
        for (int i = 0; i < 50; i++) {
            render.bytes();
        }
        double[] millis = new double[runs];
        int bytes = 0;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            bytes = render.bytes();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(millis);
        System.out.printf(Locale.ROOT, "%-48s %8.2f ms (%.2f-%.2f), %,d bytes%n", what, millis[runs / 2], millis[0],
                millis[runs - 1], bytes);
    }

    /** The per-agency series that were left out: bets stored, connections and finished, per agency. */
    private record PerAgencyCollector(StatusSource source) implements MultiCollector {

        @Override
        public MetricSnapshots collect() {
            List<AgencyStatus> agencies = source.status().agencies();
            GaugeSnapshot.Builder bets = GaugeSnapshot.builder().name("lottery_agency_bets_stored")
                    .help("Bets in the store, per agency");
            GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("lottery_agency_connections")
                    .help("Open connections, per agency");
            GaugeSnapshot.Builder finished = GaugeSnapshot.builder().name("lottery_agency_finished")
                    .help("1 once the agency's FINISH was accepted");
            for (AgencyStatus agency : agencies) {
                Labels labels = Labels.of("agency", Long.toString(agency.agency()));
                bets.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(agency.betsStored()).build());
                connections.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(agency.connections())
                        .build());
                finished.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(agency.finished() ? 1 : 0)
                        .build());
            }
            return new MetricSnapshots(bets.build(), connections.build(), finished.build());
        }
    }

    /** A ledger that only has a view: {@code agencies} agencies. */
    private static final class ViewLedger implements Ledger {

        private final List<AgencyTally> tallies = new ArrayList<>();

        ViewLedger(int agencies) {
            for (int agency = 1; agency <= agencies; agency++) {
                tallies.add(new AgencyTally(agency, 15_740 + agency % 97, agency % 4 == 0, -1));
            }
        }

        @Override
        public long stored(long agency) {
            return 0;
        }

        @Override
        public List<Outcome> store(List<Batch> batches) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Outcome finish(long agency, long total) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean drawn() {
            return false;
        }

        @Override
        public List<String> winnersOf(long agency) {
            return List.of();
        }

        @Override
        public LedgerView view() {
            return new LedgerView(tallies.size(), null, 0, tallies);
        }

        @Override
        public void close() {
        }
    }
}
