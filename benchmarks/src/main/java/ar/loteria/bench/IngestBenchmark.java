package ar.loteria.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The standard case: every agency streams its bets, finishes and asks for its winners, against the project's central
 * and the reference centrals in interleaved rounds (each round runs each of them once, the first place rotating), so
 * that the ratios come from the same minutes of a shared machine. Prints every run, medians per central, the central
 * against each reference per round, then {@code ceiling: P % of null, Q % of null+csv} and last {@code bets/s: N},
 * the central's median. Runs on the caller's thread.
 */
final class IngestBenchmark {

    private final LoadGenerator options;
    private final Path work;

    IngestBenchmark(LoadGenerator options, Path work) {
        this.options = options;
        this.work = work;
    }

    int run() throws Exception {
        List<PreparedAgency> data = PreparedAgency.prepare(options.agencies, options.shape, options.batch,
                options.data, work.resolve("data"));
        try {
            return run(data);
        } finally {
            // The encoded frames belong to this method: every run sent duplicates of them.
            PreparedAgency.release(data);
        }
    }

    private int run(List<PreparedAgency> data) throws Exception {
        long bets = data.stream().mapToLong(PreparedAgency::bets).sum();
        List<BenchedCentral> centrals = options.centrals();
        System.out.printf(Locale.ROOT, "load: %d agencies, %,d bets, batch %d, window %d, %d rounds of %s, server opts "
                        + "[%s]%s%s%n", data.size(), bets, options.batch, options.window, options.runs,
                centrals.stream().map(BenchedCentral::label).collect(Collectors.joining(", ")), options.serverOpts,
                options.centralOpts.isBlank() ? "" : ", the central's own [" + options.centralOpts.trim() + "]",
                options.storageSync ? ", the central with STORAGE_SYNC (the references never sync)" : "");
        IngestRun runner = new IngestRun(options, work);
        // The generator's own code is compiled before the counted runs, so that its compiler threads do not take
        // the cores from the central while the clock runs. The central is a fresh, cold process in every run.
        for (int run = 1 - options.warmup; run <= 0; run++) {
            RunFigures figures = runner.measure("run " + run + " central", BenchedCentral.CENTRAL, data, bets);
            System.out.printf(Locale.ROOT, "run %d (warm-up of the generator, not counted): central %,.0f bets/s%n",
                    run, figures.betsPerSecond());
        }
        Map<BenchedCentral, List<RunFigures>> results = new EnumMap<>(BenchedCentral.class);
        for (int round = 1; round <= options.runs; round++) {
            for (int i = 0; i < centrals.size(); i++) {
                BenchedCentral central = centrals.get((round - 1 + i) % centrals.size());
                String tag = "run " + round + " " + central.label();
                RunFigures figures = runner.measure(tag, central, data, bets);
                results.computeIfAbsent(central, c -> new ArrayList<>()).add(figures);
                System.out.printf(Locale.ROOT, "%s: ingest %.3f s, last winners %.3f s, %,.0f bets/s, ack p50 %.2f ms "
                                + "p99 %.2f ms, draw %.1f ms, server ready %.0f ms, peak RSS %.0f MB, threads %.0f%n",
                        tag, figures.ingestSeconds(), figures.untilLastWinnersSeconds(), figures.betsPerSecond(),
                        figures.ackP50Millis(), figures.ackP99Millis(), figures.drawMillis(), figures.readyMillis(),
                        figures.peakRssMb(), figures.threads());
            }
        }
        System.out.printf(Locale.ROOT, "bets: %,d%n", bets);
        results.forEach(IngestBenchmark::printMedians);
        double central = median(results.get(BenchedCentral.CENTRAL));
        if (results.size() == BenchedCentral.values().length) {
            for (BenchedCentral reference : List.of(BenchedCentral.NULL, BenchedCentral.NULL_CSV)) {
                List<String> perRound = new ArrayList<>();
                for (int round = 0; round < options.runs; round++) {
                    perRound.add(percent(results.get(BenchedCentral.CENTRAL).get(round).betsPerSecond(),
                            results.get(reference).get(round).betsPerSecond()));
                }
                System.out.printf(Locale.ROOT, "central / %s per round: %s%n", reference.label(),
                        String.join(", ", perRound));
            }
            System.out.printf(Locale.ROOT, "ceiling: %s of null, %s of null+csv%n",
                    percent(central, median(results.get(BenchedCentral.NULL))),
                    percent(central, median(results.get(BenchedCentral.NULL_CSV))));
        }
        System.out.printf(Locale.ROOT, "bets/s: %.0f%n", central);
        return 0;
    }

    private static void printMedians(BenchedCentral central, List<RunFigures> runs) {
        System.out.printf(Locale.ROOT, "%s, %d runs:%n", central.label(), runs.size());
        for (int i = 0; i < RunFigures.NAMES.size(); i++) {
            int figure = i;
            double[] column = runs.stream().mapToDouble(run -> run.values()[figure]).sorted().toArray();
            System.out.printf(Locale.ROOT, "  %-20s median %,.3f  (min %,.3f, max %,.3f, runs %d)%n",
                    RunFigures.NAMES.get(i), RunFigures.median(column), column[0], column[column.length - 1],
                    column.length);
        }
    }

    private static double median(List<RunFigures> runs) {
        return RunFigures.median(runs.stream().mapToDouble(RunFigures::betsPerSecond).toArray());
    }

    private static String percent(double part, double whole) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * part / whole);
    }
}
