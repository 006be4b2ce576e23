package ar.loteria.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one ingest run measured, in the order {@link #NAMES} gives them.
 *
 * @param serverCores    CPU the central's process used over the run, in cores (CPU seconds per second)
 * @param generatorCores the same for the load generator
 * @param othersCores    the same for every other process of the machine
 * @param serverCpu      CPU seconds of the central's threads since the agencies connected, by role
 * @param generatorCpu   CPU seconds of the load generator over the run
 */
record RunFigures(double ingestSeconds, double untilLastWinnersSeconds, double betsPerSecond, double ackP50Millis,
                  double ackP99Millis, double drawMillis, double readyMillis, double peakRssMb, double threads,
                  double serverCores, double generatorCores, double othersCores, Map<String, Double> serverCpu,
                  double generatorCpu) {

    RunFigures {
        serverCpu = Map.copyOf(serverCpu);
    }

    /** The central's CPU seconds since the agencies connected, all its threads. */
    double serverCpuSeconds() {
        return serverCpu.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The figures' names in the summary, in the order of {@link #values()}. */
    static final List<String> NAMES = List.of("ingest s", "last winners s", "bets/s", "ack p50 ms", "ack p99 ms",
            "draw ms", "server ready ms", "server peak RSS MB", "server threads", "server cores",
            "generator cores", "others cores");

    double[] values() {
        return new double[] {ingestSeconds, untilLastWinnersSeconds, betsPerSecond, ackP50Millis, ackP99Millis,
            drawMillis, readyMillis, peakRssMb, threads, serverCores, generatorCores, othersCores};
    }

    /** The median of some values (the mean of the middle two for an even count). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
