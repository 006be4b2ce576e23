package ar.loteria.bench;

import ar.loteria.launch.JarProcess;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * One run of the ingest benchmark: a fresh central process (the project's or a reference) on a fresh store, every
 * agency connected at once, streaming, finishing and asking for its winners. It fails unless every agency gets
 * exactly its winners, the central stops in order and its store holds every bet. Prints its lines, named by its tag.
 * Runs on the caller's thread; owns its load loops (one thread each), its central process and its folder.
 */
final class IngestRun {

    private final LoadGenerator options;
    private final Path work;

    IngestRun(LoadGenerator options, Path work) {
        this.options = options;
        this.work = work;
    }

    /** Runs {@code load} against a new {@code central}; {@code tag} (for example "run 3 null") names its lines. */
    RunFigures measure(String tag, BenchedCentral central, PreparedLoad load, long bets) throws Exception {
        List<PreparedAgency> data = load.agencies();
        Path dir = work.resolve(tag.replace(' ', '-'));
        Map<String, String> settings = new HashMap<>(options.settings(data.size(), dir));
        // With --storage-url the central (the references never) stores in a new database of its own.
        BenchDatabase database = central == BenchedCentral.CENTRAL ? options.database() : null;
        if (central == BenchedCentral.CENTRAL) {
            settings.putAll(options.centralEnv);
        }
        String databaseName = "bench_" + tag.replaceAll("\\W", "_");
        if (database != null) {
            settings.putAll(database.create(databaseName));
        }
        List<LoadLoop> loops = new ArrayList<>();
        try (JarProcess process = JarProcess.start(options.launch(central), settings, dir,
                work.resolve(tag.replace(' ', '-') + ".log"))) {
            int port = process.awaitPort(LoadGenerator.READY);
            // The central idles meanwhile; its CPU and the clock count from the agencies' start on.
            Thread.sleep(options.startDelayMs);
            Timeline timeline = new Timeline();
            List<LoadAgency> agencies = new ArrayList<>(data.size());
            List<List<LoadAgency>> shares = new ArrayList<>();
            for (int i = 0; i < options.eventLoops; i++) {
                shares.add(new ArrayList<>());
            }
            for (int i = 0; i < data.size(); i++) {
                LoadAgency agency = new LoadAgency(data.get(i), options.window, timeline);
                agencies.add(agency);
                shares.get(i % options.eventLoops).add(agency);
            }
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            int connecting = Math.max(1, options.connecting / options.eventLoops);
            for (int i = 0; i < options.eventLoops; i++) {
                loops.add(new LoadLoop(i + 1, address, shares.get(i), load.frames(), connecting));
            }
            ProcessMeter meter = new ProcessMeter(process.pid());
            Map<String, Double> serverCpuBefore = meter.cpuByRole();
            double serverCpuStart = meter.cpuSeconds();
            double machineStart = ProcessMeter.machineBusySeconds();
            double databaseStart = BenchDatabase.serverCpuSeconds();
            long cpuStart = ownCpuNanos();
            long wallStart = System.nanoTime();
            loops.forEach(LoadLoop::start);
            long deadline = wallStart + TimeUnit.MINUTES.toNanos(10);
            for (LoadLoop loop : loops) {
                String failure = loop.join(deadline);
                if (failure != null) {
                    loops.forEach(LoadLoop::stop);
                    throw new IllegalStateException(tag + ": " + failure);
                }
            }
            double wall = (System.nanoTime() - wallStart) / 1e9;
            double generatorCpu = (ownCpuNanos() - cpuStart) / 1e9;
            double serverCpu = meter.cpuSeconds() - serverCpuStart;
            double othersCpu = Math.max(0, ProcessMeter.machineBusySeconds() - machineStart - serverCpu
                    - generatorCpu);
            Map<String, Double> serverCpuByRole = since(meter.cpuByRole(), serverCpuBefore);
            printSlices(tag, timeline, agencies);
            printCpu(tag, meter.cpuByRole(), serverCpuBefore, generatorCpu);
            printCores(tag, wall, serverCpu, generatorCpu, othersCpu);
            if (database != null) {
                // Part of the other processes' share: the database server and its backends.
                System.out.printf(Locale.ROOT, "%s database server cpu s: %.2f%n", tag,
                        BenchDatabase.serverCpuSeconds() - databaseStart);
            }
            double rssMb = meter.status("VmHWM") / 1024.0;
            double threads = meter.status("Threads");
            // Peak RSS can count file-backed pages (a central reading a store back maps it): show the anonymous side.
            System.out.printf(Locale.ROOT, "%s memory: peak RSS %.0f MB, anonymous RSS now %.0f MB%n", tag, rssMb,
                    meter.status("RssAnon") / 1024.0);
            process.terminate();
            int exit = process.awaitExit(LoadGenerator.STOP);
            if (exit != 0 || !process.shutdownLogged()) {
                throw new IllegalStateException(tag + ": the server exited " + exit
                        + (process.shutdownLogged() ? "" : " without its shutdown line"));
            }
            if (central.stores()) {
                long rows = database != null ? database.bets(databaseName) : countRows(dir.resolve("bets.csv"));
                if (rows != bets) {
                    throw new IllegalStateException(tag + ": the store holds " + rows + " rows, expected " + bets);
                }
            }
            long[] latencies = agencies.stream().flatMapToLong(a -> Arrays.stream(a.latencies())).sorted().toArray();
            return new RunFigures(timeline.ingestSeconds(), timeline.untilLastWinnersSeconds(),
                    bets / timeline.ingestSeconds(), percentile(latencies, 0.50) / 1e6,
                    percentile(latencies, 0.99) / 1e6, timeline.drawMillis(), process.readyMillis(), rssMb, threads,
                    serverCpu / wall, generatorCpu / wall, othersCpu / wall, serverCpuByRole, generatorCpu);
        } finally {
            loops.forEach(LoadLoop::stop);
            LoadGenerator.deleteTree(dir);
            if (database != null) {
                database.drop(databaseName);
            }
        }
    }

    /** CPU seconds by role between two readings. */
    private static Map<String, Double> since(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> used = new TreeMap<>();
        after.forEach((role, seconds) -> used.put(role, seconds - before.getOrDefault(role, 0.0)));
        return used;
    }

    /** How the ingest rate grows as the server's code warms up: bets acknowledged in each time slice. */
    private void printSlices(String tag, Timeline timeline, List<LoadAgency> agencies) {
        int sliceMs = options.sliceMs;
        long[] slices = new long[(int) Math.ceil(timeline.ingestSeconds() * 1000 / sliceMs) + 1];
        agencies.forEach(a -> a.addAcksTo(slices, timeline.firstByteNanos(), sliceMs * 1_000_000L));
        System.out.printf(Locale.ROOT, "%s bets acknowledged per %d ms: %s%n", tag, sliceMs,
                Arrays.stream(slices).mapToObj(String::valueOf).collect(Collectors.joining(" ")));
    }

    /** The server's CPU seconds by thread role, in all and since the agencies connected, and the generator's. */
    private static void printCpu(String tag, Map<String, Double> after, Map<String, Double> before,
                                 double generatorCpu) {
        Map<String, Double> total = new TreeMap<>();
        Map<String, Double> inRun = new TreeMap<>();
        after.forEach((role, seconds) -> {
            total.put(role, Math.round(seconds * 100) / 100.0);
            inRun.put(role, Math.round((seconds - before.getOrDefault(role, 0.0)) * 100) / 100.0);
        });
        System.out.printf(Locale.ROOT, "%s cpu s: server %s, of which since the agencies connected %s;"
                + " load generator %.2f%n", tag, total, inRun, generatorCpu);
    }

    /**
     * The machine's cores over the run, from the agencies' connecting to the last winners: what the server used, what
     * the load generator used, what every other process took (a shared machine) and what was left idle.
     */
    private static void printCores(String tag, double wall, double server, double generator, double others) {
        int cores = Runtime.getRuntime().availableProcessors();
        double idle = Math.max(0, cores * wall - server - generator - others);
        System.out.printf(Locale.ROOT, "%s cores: server %.2f (%.0f %%), load generator %.2f (%.0f %%), other "
                + "processes %.2f (%.0f %%), idle %.2f (%.0f %%) of %d over %.3f s%n", tag, server / wall,
                100 * server / wall / cores, generator / wall, 100 * generator / wall / cores, others / wall,
                100 * others / wall / cores, idle / wall, 100 * idle / wall / cores, cores, wall);
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long countRows(Path csv) throws IOException {
        long rows = 0;
        byte[] buffer = new byte[1 << 20];
        try (var in = Files.newInputStream(csv)) {
            for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        rows++;
                    }
                }
            }
        }
        return rows;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
