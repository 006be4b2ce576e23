package ar.loteria.central.status;

import ar.loteria.codec.ErrorCode;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /metrics}: the lottery's figures and the JVM's, in the Prometheus exposition format, written by
 * Prometheus's own Java client. The lottery's figures all come from one published {@link CentralStatus} per scrape,
 * so they agree with each other (and are at most one publication old); the JVM's come from the client's {@link
 * JvmMetrics}. One per status server, shared by every event loop (the registry is thread-safe).
 */
final class StatusMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    StatusMetrics(StatusSource source) {
        registry.register(new LotteryCollector(source));
        JvmMetrics.builder().register(registry);
    }

    /**
     * Scrapes and writes the format the {@code Accept} header asks for (Prometheus text unless OpenMetrics is asked
     * for); returns its content type.
     */
    String write(OutputStream out, String accept) throws IOException {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        writer.write(out, registry.scrape(), EscapingScheme.fromAcceptHeader(accept));
        return writer.getContentType();
    }

    /** The lottery's metrics, from one status. */
    private static final class LotteryCollector implements MultiCollector {

        private static final List<String> NAMES = List.of("lottery_bets_stored", "lottery_batches",
                "lottery_batches_refused", "lottery_connections", "lottery_agencies_connected",
                "lottery_agencies_expected", "lottery_agencies_finished", "lottery_draw_completed",
                "lottery_draw_timestamp_seconds", "lottery_winners", "lottery_results_waiting",
                "lottery_store_bytes", "lottery_ready");

        /** The codes a batch can be refused with: their series exist from the start, at 0. */
        private static final Set<ErrorCode> BATCH_REFUSALS = EnumSet.of(ErrorCode.INVALID_BET,
                ErrorCode.WRONG_AGENCY, ErrorCode.BETS_AFTER_FINISH, ErrorCode.OUT_OF_SEQUENCE, ErrorCode.DRAW_CLOSED,
                ErrorCode.STORAGE_FAILURE);

        private final StatusSource source;

        LotteryCollector(StatusSource source) {
            this.source = source;
        }

        @Override
        public List<String> getPrometheusNames() {
            return NAMES;
        }

        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> metrics = new ArrayList<>();
            metrics.add(gauge("lottery_connections", "Connections open on the bets port, identified or not",
                    source.openConnections()));
            metrics.add(gauge("lottery_ready", "1 once the store is open and the bets port listens, 0 before and"
                    + " while stopping", source.readiness() == Readiness.READY ? 1 : 0));
            CentralStatus status = source.status();
            if (status == null) {
                return new MetricSnapshots(metrics);
            }
            metrics.add(counter("lottery_bets_stored", "Bets in the store, those it held at start included",
                    status.betsStored()));
            metrics.add(counter("lottery_batches", "Batches stored since the central started",
                    status.batchesStored()));
            CounterSnapshot.Builder refused = CounterSnapshot.builder().name("lottery_batches_refused")
                    .help("Batches refused since the central started, by the error code of the refusal");
            Set<ErrorCode> codes = EnumSet.copyOf(BATCH_REFUSALS);
            codes.addAll(status.batchesRefused().keySet());
            for (ErrorCode code : codes) {
                refused.dataPoint(CounterDataPointSnapshot.builder().labels(Labels.of("code", code.name()))
                        .value(status.batchesRefused().getOrDefault(code, 0L)).build());
            }
            metrics.add(refused.build());
            metrics.add(gauge("lottery_agencies_connected", "Agencies with at least one connection",
                    status.agenciesConnected()));
            metrics.add(gauge("lottery_agencies_expected", "Agencies that must finish before the draw (AGENCIES)",
                    status.agenciesExpected()));
            metrics.add(gauge("lottery_agencies_finished", "Agencies whose FINISH was accepted",
                    status.agenciesFinished()));
            metrics.add(gauge("lottery_draw_completed", "1 once the draw has happened", status.drawn() ? 1 : 0));
            if (status.drawn()) {
                metrics.add(GaugeSnapshot.builder().name("lottery_draw_timestamp_seconds").unit(Unit.SECONDS)
                        .help("When the draw happened, in seconds since the epoch")
                        .dataPoint(GaugeDataPointSnapshot.builder()
                                .value(status.drawnAt().toEpochMilli() / 1000.0).build())
                        .build());
                metrics.add(gauge("lottery_winners", "Winning bets over all agencies, after the draw",
                        status.winners()));
            }
            metrics.add(gauge("lottery_results_waiting", "RESULTS requests waiting for the draw",
                    status.resultsWaiting()));
            metrics.add(GaugeSnapshot.builder().name("lottery_store_bytes").unit(Unit.BYTES)
                    .help("Size of the store").dataPoint(GaugeDataPointSnapshot.builder()
                            .value(status.storeBytes()).build())
                    .build());
            return new MetricSnapshots(metrics);
        }

        private static MetricSnapshot counter(String name, String help, double value) {
            return CounterSnapshot.builder().name(name).help(help)
                    .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
        }

        private static MetricSnapshot gauge(String name, String help, double value) {
            return GaugeSnapshot.builder().name(name).help(help)
                    .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
        }
    }
}
