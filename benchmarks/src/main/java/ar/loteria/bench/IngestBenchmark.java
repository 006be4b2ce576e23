package ar.loteria.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
        PreparedLoad load = PreparedLoad.prepare(options.agencies, options.shape, options.batch, options.data,
                work.resolve("data"));
        List<PreparedAgency> data = load.agencies();
        long bets = load.bets();
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
            RunFigures figures = runner.measure("run " + run + " central", BenchedCentral.CENTRAL, load, bets);
            System.out.printf(Locale.ROOT, "run %d (warm-up of the generator, not counted): central %,.0f bets/s%n",
                    run, figures.betsPerSecond());
        }
        Map<BenchedCentral, List<RunFigures>> results = new EnumMap<>(BenchedCentral.class);
        for (int round = 1; round <= options.runs; round++) {
            for (int i = 0; i < centrals.size(); i++) {
                BenchedCentral central = centrals.get((round - 1 + i) % centrals.size());
                String tag = "run " + round + " " + central.label();
                RunFigures figures = runner.measure(tag, central, load, bets);
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
        printCpuPerAgency(results, data.size(), bets);
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
            List<String> cpuPerRound = new ArrayList<>();
            for (int round = 0; round < options.runs; round++) {
                cpuPerRound.add(String.format(Locale.ROOT, "%.2f",
                        results.get(BenchedCentral.CENTRAL).get(round).serverCpuSeconds()
                                / results.get(BenchedCentral.NULL_CSV).get(round).serverCpuSeconds()));
            }
            System.out.printf(Locale.ROOT, "central cpu / null+csv cpu per round: %s%n", String.join(", ", cpuPerRound));
            System.out.printf(Locale.ROOT, "cpu: central %.0f us per agency, %.2f times null+csv's %.0f; load generator "
                            + "%.0f us per agency, %.0f %% of the central's%n",
                    cpuPerAgency(results.get(BenchedCentral.CENTRAL), data.size()),
                    cpuPerAgency(results.get(BenchedCentral.CENTRAL), data.size())
                            / cpuPerAgency(results.get(BenchedCentral.NULL_CSV), data.size()),
                    cpuPerAgency(results.get(BenchedCentral.NULL_CSV), data.size()),
                    generatorPerAgency(results.get(BenchedCentral.CENTRAL), data.size()),
                    100 * generatorPerAgency(results.get(BenchedCentral.CENTRAL), data.size())
                            / cpuPerAgency(results.get(BenchedCentral.CENTRAL), data.size()));
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

    /**
     * Each central's CPU since the agencies connected, per agency and per bet (medians over its runs), split by
     * thread role, and the load generator's own in the same runs.
     */
    private static void printCpuPerAgency(Map<BenchedCentral, List<RunFigures>> results, int agencies, long bets) {
        System.out.println("cpu per agency since the agencies connected, us (medians; per bet in ns):");
        results.forEach((central, runs) -> {
            Map<String, Double> roles = new TreeMap<>();
            runs.forEach(run -> run.serverCpu().keySet().forEach(role -> roles.put(role, 0.0)));
            roles.replaceAll((role, zero) -> 1e6 / agencies * RunFigures.median(runs.stream()
                    .mapToDouble(run -> run.serverCpu().getOrDefault(role, 0.0)).toArray()));
            double total = cpuPerAgency(runs, agencies);
            System.out.printf(Locale.ROOT, "  %-9s %6.0f (%s), %.0f ns per bet; load generator %.0f (%.0f %% of the "
                            + "server's)%n", central.label(), total,
                    roles.entrySet().stream().filter(e -> e.getValue() >= 0.5)
                            .map(e -> String.format(Locale.ROOT, "%s %.0f", e.getKey(), e.getValue()))
                            .collect(Collectors.joining(", ")),
                    total * agencies / bets * 1000, generatorPerAgency(runs, agencies),
                    100 * generatorPerAgency(runs, agencies) / total);
        });
    }

    /** Median CPU microseconds per agency of the server since the agencies connected. */
    private static double cpuPerAgency(List<RunFigures> runs, int agencies) {
        return 1e6 / agencies * RunFigures.median(runs.stream().mapToDouble(RunFigures::serverCpuSeconds).toArray());
    }

    /** Median CPU microseconds per agency of the load generator. */
    private static double generatorPerAgency(List<RunFigures> runs, int agencies) {
        return 1e6 / agencies * RunFigures.median(runs.stream().mapToDouble(RunFigures::generatorCpu).toArray());
    }

    private static double median(List<RunFigures> runs) {
        return RunFigures.median(runs.stream().mapToDouble(RunFigures::betsPerSecond).toArray());
    }

    private static String percent(double part, double whole) {
        return String.format(Locale.ROOT, "%.0f %%", 100 * part / whole);
    }
}
