package ar.loteria.central.status;

import ar.loteria.codec.ErrorCode;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * {@code GET /metrics}: the lottery's figures and the JVM's, in the Prometheus exposition format, written by
 * Prometheus's own Java client. The lottery's figures all come from one published {@link CentralStatus} per
 * render, so they agree with each other; the JVM's come from the client's JVM collectors.
 *
 * <p>What keeps it cheap. The JVM's collectors are set up once per JVM, when the status port gets its first
 * connection ({@link #prepare}), on Netty's global executor rather than an event loop: in a cold JVM that takes
 * some tens of milliseconds of CPU. A central that nobody watches never pays it; one that is watched from its
 * start, as Prometheus and an open page do, pays it while the store opens, before agencies come (docs/PERFORMANCE.md
 * has the figures). The client's native-memory collector is left out: it reports only when the JVM runs with {@code
 * -XX:NativeMemoryTracking}, which the central's images do not, and setting it up starts the platform MBean
 * server. A render is served again for {@code maxAge} (the status's own
 * publication period): a scraper asking more often than the status changes gets the same text again. And the JVM's
 * figures are collected at most every {@link #JVM_MAX_AGE}: collecting the thread figures asks the JVM to look for
 * deadlocks, which stops every thread, the event loops included, a few times a second under a fast scraper.
 *
 * <p>One per status server; thread-safe, any event loop (the cache is one atomic reference).
 */
final class StatusMetrics {

    private static final AtomicBoolean PREPARED = new AtomicBoolean();
    /** How long the JVM's figures are served again; a Prometheus server scrapes every 15 s by default. */
    static final Duration JVM_MAX_AGE = Duration.ofSeconds(5);

    private final LotteryCollector lottery;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Exposition> last = new AtomicReference<>();
    private final AtomicReference<JvmFigures> jvm = new AtomicReference<>();

    /** One render: its content type, its bytes, and when it was made. */
    record Exposition(String contentType, byte[] bytes, String format, long madeNanos) {
    }

    /** One collection of the JVM's figures, and when it was made. */
    private record JvmFigures(MetricSnapshots snapshots, long madeNanos) {
    }

    /**
     * @param maxAge   how long a render may be served again
     * @param nanoTime the clock the age is read from
     */
    StatusMetrics(StatusSource source, Duration maxAge, LongSupplier nanoTime) {
        this.lottery = new LotteryCollector(source);
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * The metrics in the format the {@code Accept} header asks for (Prometheus text unless OpenMetrics is asked
     * for), rendered now or at most {@code maxAge} ago.
     */
    Exposition render(String accept) throws IOException {
        ExpositionFormatWriter writer = Jvm.FORMATS.findWriter(accept);
        EscapingScheme escaping = EscapingScheme.fromAcceptHeader(accept);
        String format = writer.getContentType() + ";" + escaping;
        long now = nanoTime.getAsLong();
        Exposition cached = last.get();
        if (cached != null && cached.format().equals(format) && now - cached.madeNanos() < maxAgeNanos) {
            return cached;
        }
        List<MetricSnapshot> snapshots = new ArrayList<>();
        lottery.collect().forEach(snapshots::add);
        jvmFigures(now).forEach(snapshots::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, new MetricSnapshots(snapshots), escaping);
        Exposition made = new Exposition(writer.getContentType(), out.toByteArray(), format, now);
        last.set(made);
        return made;
    }

    /** The JVM's figures, collected now or at most {@link #JVM_MAX_AGE} ago. */
    private MetricSnapshots jvmFigures(long now) {
        JvmFigures figures = jvm.get();
        if (figures == null || now - figures.madeNanos() >= JVM_MAX_AGE.toNanos()) {
            figures = new JvmFigures(Jvm.REGISTRY.scrape(), now);
            jvm.set(figures);
        }
        return figures.snapshots();
    }

    /**
     * Sets up the JVM's collectors and renders them once, on Netty's global executor, the first time it is called
     * in this JVM: a scrape that comes later finds them ready and their code loaded (one that comes meanwhile waits
     * for the class's initialization to end, as it would have set them up itself). Any thread; returns at once.
     */
    static void prepare() {
        if (PREPARED.compareAndSet(false, true)) {
            GlobalEventExecutor.INSTANCE.execute(() -> {
                try {
                    Jvm.FORMATS.getPrometheusTextFormatWriter().write(OutputStream.nullOutputStream(),
                            Jvm.REGISTRY.scrape());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** The JVM's collectors, one set per JVM (class initialization makes them once, on first use). */
    private static final class Jvm {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
        static final ExpositionFormats FORMATS = ExpositionFormats.init();

        static {
            JvmThreadsMetrics.builder().register(REGISTRY);
            JvmBufferPoolMetrics.builder().register(REGISTRY);
            JvmClassLoadingMetrics.builder().register(REGISTRY);
            JvmCompilationMetrics.builder().register(REGISTRY);
            JvmGarbageCollectorMetrics.builder().register(REGISTRY);
            JvmMemoryPoolAllocationMetrics.builder().register(REGISTRY);
            JvmMemoryMetrics.builder().register(REGISTRY);
            JvmRuntimeInfoMetric.builder().register(REGISTRY);
            ProcessMetrics.builder().register(REGISTRY);
        }
    }

    /** The lottery's metrics, from one status. */
    private static final class LotteryCollector {

        /** The codes a batch can be refused with: their series exist from the start, at 0. */
        private static final Set<ErrorCode> BATCH_REFUSALS = EnumSet.of(ErrorCode.INVALID_BET,
                ErrorCode.WRONG_AGENCY, ErrorCode.BETS_AFTER_FINISH, ErrorCode.OUT_OF_SEQUENCE, ErrorCode.DRAW_CLOSED,
                ErrorCode.STORAGE_FAILURE);

        private final StatusSource source;

        LotteryCollector(StatusSource source) {
            this.source = source;
        }

        MetricSnapshots collect() {
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
            metrics.add(gauge("lottery_agencies_not_finished", "Agencies of AGENCIES that have not finished",
                    status.agenciesNotFinished()));
            metrics.add(gauge("lottery_draw_completed", "1 once the draw has happened", status.drawn() ? 1 : 0));
            if (status.closesAt() != null) {
                metrics.add(GaugeSnapshot.builder().name("lottery_draw_close_timestamp_seconds").unit(Unit.SECONDS)
                        .help("When betting closes (DRAW_AT, or DRAW_AFTER_SECONDS after the first FINISH), in"
                                + " seconds since the epoch")
                        .dataPoint(GaugeDataPointSnapshot.builder()
                                .value(status.closesAt().toEpochMilli() / 1000.0).build())
                        .build());
            }
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
