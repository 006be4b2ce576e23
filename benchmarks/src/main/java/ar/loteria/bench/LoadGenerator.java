package ar.loteria.bench;

import ar.loteria.agency.AgencyTuning;
import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.bets.BetCsvReader;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The load generator: K agencies in one JVM over real sockets against the central's jar, started as its own process
 * for each run on a fresh store. Data is generated (or read from {@code --data}), batched by the agency's own
 * {@link BetBatcher} and encoded before the clock starts. Prints each run, then medians, and last {@code bets/s: N}.
 *
 * <pre>
 * java -cp lottery-bench.jar ar.loteria.bench.LoadGenerator --server-jar server/target/lottery-server.jar
 *      [--agencies 50] [--shape 26936,25518,16014,9238,991] [--batch 200] [--window 32] [--runs 5] [--warmup 1]
 *      [--server-opts "@docker/jvm.options -Xmx64m"] [--server-java /path/to/bin/java] [--event-loops 1]
 *      [--data DIR] [--parked N] [--slice-ms 50] [--storage-sync false]
 *      [--keep true]
 * </pre>
 * {@code --shape} lists bets per agency, repeated over the agencies: the default is the course's data set, so 50
 * agencies are that set ten times (786,970 bets). {@code --warmup N} runs first that are not counted (the generator's
 * code warms up; each run's central is new and cold). {@code --storage-sync true} runs the central with every write
 * forced to the disk. {@code --parked N} instead holds N RESULTS requests before the draw.
 */
public final class LoadGenerator {

    /** Bets per agency of the course's data set. */
    static final String COURSE_SHAPE = "26936,25518,16014,9238,991";

    private final Map<String, String> options;
    private final Path work;

    private LoadGenerator(Map<String, String> options, Path work) {
        this.options = options;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    /** Runs the benchmark the arguments describe and returns the exit status; the output goes to stdout. */
    static int run(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        Path work = Files.createTempDirectory("lottery-bench");
        LoadGenerator generator = new LoadGenerator(options, work);
        int status;
        try {
            status = options.containsKey("parked") ? generator.parked() : generator.ingest();
        } finally {
            if (options.containsKey("keep")) {
                System.out.println("kept data and central logs in " + work);
            } else {
                deleteTree(work);
            }
        }
        return status;
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, String.valueOf(fallback)));
    }

    /** The standard case: every agency streams its bets, finishes and asks for its winners. */
    private int ingest() throws Exception {
        int agencies = intOption("agencies", 50);
        int runs = intOption("runs", 5);
        List<Agency> data = prepare(agencies);
        try {
            return ingest(data, runs);
        } finally {
            // The encoded frames belong to this method: every run sent duplicates of them.
            data.forEach(agency -> agency.frames().forEach(ByteBuf::release));
        }
    }

    private int ingest(List<Agency> data, int runs) throws Exception {
        int agencies = data.size();
        long bets = data.stream().mapToLong(a -> a.bets).sum();
        System.out.printf(Locale.ROOT, "load: %d agencies, %,d bets, batch %s, window %d, %d runs, server opts [%s]%n",
                agencies, bets, option("batch", "200"), intOption("window", AgencyTuning.DEFAULT.window()), runs,
                option("server-opts", ""));
        // The generator's own code is compiled before the counted runs, so that its compiler threads do not take
        // the cores from the central while the clock runs. The central is a fresh, cold process in every run.
        int warmups = intOption("warmup", 1);
        for (int run = 1 - warmups; run <= 0; run++) {
            double[] figures = ingestRun(run, data, bets);
            System.out.printf(Locale.ROOT, "run %d (warm-up of the generator, not counted): %,.0f bets/s%n", run,
                    figures[2]);
        }
        List<double[]> results = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            double[] figures = ingestRun(run, data, bets);
            results.add(figures);
            System.out.printf(Locale.ROOT, "run %d: ingest %.3f s, last winners %.3f s, %,.0f bets/s, ack p50 %.2f ms "
                            + "p99 %.2f ms, draw %.1f ms, server ready %.0f ms, peak RSS %.0f MB, threads %.0f%n",
                    run, figures[0], figures[1], figures[2], figures[3], figures[4], figures[5], figures[6],
                    figures[7], figures[8]);
        }
        String[] names = {"ingest s", "last winners s", "bets/s", "ack p50 ms", "ack p99 ms", "draw ms",
            "server ready ms", "server peak RSS MB", "server threads"};
        System.out.printf(Locale.ROOT, "bets: %,d%n", bets);
        for (int i = 0; i < names.length; i++) {
            double[] column = new double[results.size()];
            for (int r = 0; r < column.length; r++) {
                column[r] = results.get(r)[i];
            }
            Arrays.sort(column);
            System.out.printf(Locale.ROOT, "%-20s median %,.3f  (min %,.3f, max %,.3f, runs %d)%n", names[i],
                    median(column), column[0], column[column.length - 1], column.length);
        }
        double[] rates = results.stream().mapToDouble(r -> r[2]).sorted().toArray();
        System.out.printf(Locale.ROOT, "bets/s: %.0f%n", median(rates));
        return 0;
    }

    /** One run; returns its figures in the order the summary names them. */
    private double[] ingestRun(int run, List<Agency> data, long bets) throws Exception {
        Path dir = work.resolve("run-" + run);
        Map<String, String> env = new HashMap<>(Map.of("SERVER_PORT", "0", "AGENCIES", String.valueOf(data.size()),
                "STORAGE_FILEPATH", dir.resolve("bets.csv").toString(), "SERVER_LISTEN_BACKLOG", "4096",
                "MAX_CONNECTIONS", String.valueOf(data.size() + 100), "LOGGING_LEVEL", "INFO",
                "STORAGE_SYNC", option("storage-sync", "false")));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(intOption("event-loops", 1),
                new DefaultThreadFactory("load-io"), NioIoHandler.newFactory());
        try (CentralProcess central = CentralProcess.start(serverJava(), serverJar(),
                serverOptions(), env, dir, work.resolve("central-" + run + ".log"))) {
            int port = central.awaitPort();
            long cpuBefore = ownCpuNanos();
            Map<String, Double> centralCpuBefore = central.cpuByRole();
            Timeline timeline = new Timeline();
            List<LoadAgency> agencies = new ArrayList<>();
            List<CompletableFuture<Integer>> done = new ArrayList<>();
            for (Agency agency : data) {
                LoadAgency handler = new LoadAgency(agency.id, agency.frames, agency.counts,
                        intOption("window", AgencyTuning.DEFAULT.window()), timeline);
                agencies.add(handler);
                done.add(handler.done());
                connect(group, port, handler);
            }
            for (int i = 0; i < done.size(); i++) {
                int winners = done.get(i).get(10, TimeUnit.MINUTES);
                if (winners != data.get(i).winners) {
                    throw new IllegalStateException("agency " + data.get(i).id + " got " + winners
                            + " winners, expected " + data.get(i).winners);
                }
            }
            // How the ingest rate grows as the central's code warms up: bets acknowledged in each time slice.
            int sliceMs = intOption("slice-ms", 50);
            long[] slices = new long[(int) Math.ceil(timeline.ingestSeconds() * 1000 / sliceMs) + 1];
            agencies.forEach(a -> a.addAcksTo(slices, timeline.firstByteNanos(), sliceMs * 1_000_000L));
            System.out.printf(Locale.ROOT, "run %d bets acknowledged per %d ms: %s%n", run, sliceMs,
                    Arrays.stream(slices).mapToObj(String::valueOf).collect(Collectors.joining(" ")));
            long[] latencies = agencies.stream().flatMapToLong(a -> Arrays.stream(a.latencies())).sorted().toArray();
            Map<String, Double> centralCpu = new java.util.TreeMap<>();
            Map<String, Double> centralCpuInRun = new java.util.TreeMap<>();
            central.cpuByRole().forEach((role, seconds) -> {
                centralCpu.put(role, Math.round(seconds * 100) / 100.0);
                double inRun = seconds - centralCpuBefore.getOrDefault(role, 0.0);
                centralCpuInRun.put(role, Math.round(inRun * 100) / 100.0);
            });
            System.out.printf(Locale.ROOT, "run %d cpu s: central %s, of which since the agencies connected %s;"
                    + " load generator %.2f%n", run, centralCpu, centralCpuInRun, (ownCpuNanos() - cpuBefore) / 1e9);
            double rssMb = central.status("VmHWM") / 1024.0;
            double threads = central.status("Threads");
            // Peak RSS can count file-backed pages (a central reading a store back maps it): show the anonymous side.
            System.out.printf(Locale.ROOT, "run %d memory: peak RSS %.0f MB, anonymous RSS now %.0f MB%n", run, rssMb,
                    central.status("RssAnon") / 1024.0);
            int exit = central.stop();
            if (exit != 0 || !central.shutdownLogged()) {
                throw new IllegalStateException("the central exited " + exit
                        + (central.shutdownLogged() ? "" : " without its shutdown line"));
            }
            long rows = countRows(dir.resolve("bets.csv"));
            if (rows != bets) {
                throw new IllegalStateException("the store holds " + rows + " rows, expected " + bets);
            }
            return new double[] {timeline.ingestSeconds(), timeline.untilLastWinnersSeconds(),
                bets / timeline.ingestSeconds(), percentile(latencies, 0.50) / 1e6, percentile(latencies, 0.99) / 1e6,
                timeline.drawMillis(), central.readyMillis(), rssMb, threads};
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            deleteTree(dir);
        }
    }

    /**
     * N agencies say HELLO and ask for their winners before anyone has finished, and are held there; then each
     * finishes, the last FINISH draws, and every held request is answered. Reports the central's threads meanwhile.
     */
    private int parked() throws Exception {
        int held = intOption("parked", 10_000);
        Path dir = work.resolve("parked");
        Map<String, String> env = Map.of("SERVER_PORT", "0", "AGENCIES", String.valueOf(held),
                "STORAGE_FILEPATH", dir.resolve("bets.csv").toString(), "SERVER_LISTEN_BACKLOG", "4096",
                "MAX_CONNECTIONS", String.valueOf(held + 100), "LOGGING_LEVEL", "INFO");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(intOption("event-loops", 1),
                new DefaultThreadFactory("load-io"), NioIoHandler.newFactory());
        try (CentralProcess central = CentralProcess.start(serverJava(), serverJar(),
                serverOptions(), env, dir, work.resolve("central-parked.log"))) {
            int port = central.awaitPort();
            long threadsIdle = central.status("Threads");
            AtomicInteger welcomed = new AtomicInteger();
            List<CompletableFuture<Integer>> answered = new ArrayList<>();
            List<Channel> channels = new ArrayList<>();
            for (int id = 1; id <= held; id++) {
                Waiter waiter = new Waiter(id, welcomed);
                answered.add(waiter.answered);
                channels.add(connect(group, port, waiter));
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (welcomed.get() < held && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Thread.sleep(2_000);
            long waitingDone = answered.stream().filter(CompletableFuture::isDone).count();
            long threadsHeld = central.status("Threads");
            double rssMb = central.status("VmHWM") / 1024.0;
            System.out.printf(Locale.ROOT, "parked: %,d of %,d requests held for 2 s, %d answered early; central "
                    + "threads idle %d, holding %d; peak RSS %.0f MB%n", welcomed.get(), held, waitingDone,
                    threadsIdle, threadsHeld, rssMb);
            long start = System.nanoTime();
            for (int id = 1; id <= held; id++) {
                channels.get(id - 1).writeAndFlush(frame(new Finish(id, 0)));
            }
            int answers = 0;
            for (CompletableFuture<Integer> answer : answered) {
                answer.get(2, TimeUnit.MINUTES);
                answers++;
            }
            System.out.printf(Locale.ROOT, "parked: all %,d answered %.0f ms after the FINISH wave; central exit %d%n",
                    answers, (System.nanoTime() - start) / 1e6, central.stop());
            return waitingDone == 0 && answers == held ? 0 : 1;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            deleteTree(dir);
        }
    }

    /** An agency that only asks for its winners; per channel, event loop only. */
    private static final class Waiter extends SimpleChannelInboundHandler<Message> {
        private final long id;
        private final AtomicInteger welcomed;
        private final CompletableFuture<Integer> answered = new CompletableFuture<>();

        Waiter(long id, AtomicInteger welcomed) {
            this.id = id;
            this.welcomed = welcomed;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.write(frame(new Hello(id, "")));
            ctx.writeAndFlush(frame(new ResultsRequest(id)));
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Message msg) {
            if (msg instanceof Welcome) {
                welcomed.incrementAndGet();
            } else if (msg instanceof Winners winners && winners.last()) {
                answered.complete(winners.documents().size());
                ctx.close();
            } else if (!(msg instanceof ar.loteria.codec.FinishAck)) {
                answered.completeExceptionally(new IllegalStateException("agency " + id + " got " + msg));
            }
        }
    }

    private Path serverJar() {
        return Path.of(option("server-jar", "server/target/lottery-server.jar"));
    }

    private Path serverJava() {
        return options.containsKey("server-java") ? Path.of(options.get("server-java")) : null;
    }

    /** The central's JVM options; an {@code @file} is made absolute, since the central runs in its own folder. */
    private List<String> serverOptions() {
        String text = option("server-opts", "").trim();
        List<String> options = new ArrayList<>();
        for (String word : text.isEmpty() ? new String[0] : text.split("\\s+")) {
            options.add(word.startsWith("@") ? "@" + Path.of(word.substring(1)).toAbsolutePath() : word);
        }
        return options;
    }

    private static Channel connect(EventLoopGroup group, int port, ChannelHandler agency) {
        return new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // Agencies write whole frames they encoded beforehand: no encoder on the way out.
                        ch.pipeline().addLast(Frames.newDecoder(), MessageDecoder.INSTANCE, agency);
                    }
                })
                .connect("127.0.0.1", port).syncUninterruptibly().channel();
    }

    /** One agency's data, batched and encoded. */
    private record Agency(long id, long bets, int winners, List<ByteBuf> frames, int[] counts) {
    }

    private List<Agency> prepare(int agencies) throws Exception {
        int batch = intOption("batch", 200);
        Path data = options.containsKey("data") ? Path.of(options.get("data")) : work.resolve("data");
        String[] shape = option("shape", COURSE_SHAPE).split(",");
        Files.createDirectories(data);
        List<Agency> prepared = new ArrayList<>();
        for (int id = 1; id <= agencies; id++) {
            Path file = data.resolve("agency-" + id + ".csv");
            if (!options.containsKey("data")) {
                int bets = Integer.parseInt(shape[(id - 1) % shape.length].trim());
                BetFileGenerator.writeAgencyFile(file, id, bets, Math.max(1, bets / 2000), 7574L + id, true);
            }
            List<ByteBuf> frames = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            long bets = 0;
            int winners = 0;
            try (BetCsvReader reader = BetCsvReader.open(file)) {
                BetBatcher batcher = new BetBatcher(id, batch, reader, 0);
                for (BetBatch next = batcher.next(); next != null; next = batcher.next()) {
                    frames.add(frame(next));
                    counts.add(next.bets().size());
                    bets += next.bets().size();
                    winners += (int) next.bets().stream().filter(b -> b.number() == 7574).count();
                }
            }
            prepared.add(new Agency(id, bets, winners, frames, counts.stream().mapToInt(Integer::intValue).toArray()));
        }
        return prepared;
    }

    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** A whole frame, length header included, in a direct buffer: what the agency's pipeline would write. */
    static ByteBuf frame(Message message) {
        ByteBuf frame = Unpooled.directBuffer(Frames.MAX_FRAME_BYTES);
        frame.writeInt(0);
        MessageEncoder.encode(message, frame);
        frame.setInt(0, frame.readableBytes() - Frames.HEADER_BYTES);
        return frame;
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

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --name value ...; got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
