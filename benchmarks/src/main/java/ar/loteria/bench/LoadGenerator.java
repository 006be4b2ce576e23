package ar.loteria.bench;

import ar.loteria.agency.AgencyTuning;
import ar.loteria.bench.reference.ReferenceCentral;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.launch.Launch;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The load generator: K agencies in one JVM over real loopback sockets against the central's jar, started as its own
 * process for each run on a fresh store, in rounds that interleave it with two reference centrals (the do-nothing
 * ceiling and the simplest CSV store). Data is generated (or read from {@code --data}), batched by the agency's own
 * {@code BetBatcher} and encoded before the clock starts; the agencies run on a plain NIO selector thread
 * ({@link LoadLoop}), so the generator costs little per agency. Prints each run, then medians per central, each
 * central's CPU per agency by thread role, the central's share of the ceiling, and last {@code bets/s: N}. Options
 * are parsed by picocli; {@code --help} lists them.
 * Half of its length is those options, each declared with its help text; the runs are {@link IngestBenchmark}'s
 * and {@link ParkedBenchmark}'s.
 */
@Command(name = "LoadGenerator", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Ingest benchmark: K agencies against the central's jar, a fresh process per run, in rounds "
            + "interleaved with the reference centrals. Ends with the lines "
            + "`ceiling: P %% of null, Q %% of null+csv` and `bets/s: N` (the central's median).",
            "With --parked N it instead holds N RESULTS requests before the draw."})
public final class LoadGenerator implements Callable<Integer> {

    /** Bets per agency of the course's data set. */
    static final String COURSE_SHAPE = "26936,25518,16014,9238,991";
    /** How long a central may take to listen, and to stop. */
    static final Duration READY = Duration.ofSeconds(30);
    static final Duration STOP = Duration.ofSeconds(30);

    @Option(names = "--server-jar", paramLabel = "JAR", description = "the central's jar (default: ${DEFAULT-VALUE})")
    Path serverJar = Path.of("server/target/lottery-server.jar");

    @Option(names = "--agencies", paramLabel = "K", description = "agencies per run (default: ${DEFAULT-VALUE})")
    int agencies = 50;

    @Option(names = "--shape", paramLabel = "B", split = ",", defaultValue = COURSE_SHAPE,
            description = "bets per agency, repeated over the agencies; the default is the course's data set, so "
                + "50 agencies are that set ten times, 786,970 bets (default: ${DEFAULT-VALUE})")
    List<Integer> shape;

    @Option(names = "--batch", paramLabel = "N", description = "bets per batch at most (default: ${DEFAULT-VALUE})")
    int batch = 200;

    @Option(names = "--window", paramLabel = "N", description = "batches in flight per agency (default: the "
        + "agency's, ${DEFAULT-VALUE})")
    int window = AgencyTuning.DEFAULT.window();

    @Option(names = "--runs", paramLabel = "N", description = "counted rounds; each runs every central once "
        + "(default: ${DEFAULT-VALUE})")
    int runs = 5;

    @Option(names = "--warmup", paramLabel = "N", description = "runs first that are not counted, so that the "
        + "generator's own code is compiled; each run's central is new and cold (default: ${DEFAULT-VALUE})")
    int warmup = 1;

    @Option(names = "--references", arity = "0..1", paramLabel = "BOOL", description = "also run the reference "
        + "centrals (null, null+csv) in every round (default: ${DEFAULT-VALUE})")
    boolean references = true;

    @Option(names = "--server-opts", paramLabel = "OPTIONS", description = "JVM options of the central and the "
        + "references, space-separated; an @file is made absolute (default: none)")
    String serverOpts = "";

    @Option(names = "--central-opts", paramLabel = "OPTIONS", description = "JVM options of the central alone, after "
        + "--server-opts, e.g. its class-data sharing archive (default: none)")
    String centralOpts = "";

    @Option(names = "--central-env", paramLabel = "KEY=VALUE", description = "a setting of the central alone, in its "
        + "environment after the benchmark's own, e.g. SERVER_TRANSPORT=nio; repeatable (default: none)")
    Map<String, String> centralEnv = new LinkedHashMap<>();

    @Option(names = "--server-java", paramLabel = "JAVA", description = "the java binary that runs them (default: "
        + "this JVM's)")
    Path serverJava;

    @Option(names = "--event-loops", paramLabel = "N", description = "the generator's I/O threads, each a plain NIO "
        + "selector driving its share of the agencies (default: ${DEFAULT-VALUE})")
    int eventLoops = 1;

    @Option(names = "--connecting", paramLabel = "N", description = "agencies that may be connecting and waiting for "
        + "their WELCOME at once, so that thousands at once stay within the central's accept backlog (default: "
        + "${DEFAULT-VALUE})")
    int connecting = 1000;

    @Option(names = "--data", paramLabel = "DIR", description = "read agency-N.csv from DIR instead of generating")
    Path data;

    @Option(names = "--parked", paramLabel = "N", description = "hold N RESULTS requests before the draw instead "
        + "of the ingest benchmark")
    Integer parked;

    @Option(names = "--slice-ms", paramLabel = "MS", description = "width of the acknowledged-bets-per-slice line "
        + "(default: ${DEFAULT-VALUE})")
    int sliceMs = 50;

    @Option(names = "--start-delay-ms", paramLabel = "MS", description = "wait this long after each central is ready "
        + "before the agencies connect, as a draw that begins after the central has started (default: "
        + "${DEFAULT-VALUE}, at once)")
    int startDelayMs = 0;

    @Option(names = "--storage-sync", arity = "0..1", paramLabel = "BOOL", description = "run the central with "
        + "STORAGE_SYNC: every write forced to the disk (the references never sync) (default: ${DEFAULT-VALUE})")
    boolean storageSync;

    @Option(names = "--storage-url", paramLabel = "URL", description = "run the central (not the references) on this "
        + "PostgreSQL server (STORAGE_URL), in a new database per run (default: the CSV file)")
    String storageUrl;

    @Option(names = "--storage-user", paramLabel = "USER", description = "STORAGE_USER for --storage-url")
    String storageUser;

    @Option(names = "--storage-password", paramLabel = "PASSWORD", description = "STORAGE_PASSWORD for --storage-url")
    String storagePassword;

    @Option(names = "--keep", arity = "0..1", paramLabel = "BOOL", description = "keep the data and the centrals' "
        + "logs (default: ${DEFAULT-VALUE})")
    boolean keep;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the benchmark the arguments describe and returns the exit status; the output goes to stdout. */
    static int run(String[] args) {
        // An option value such as `@docker/jvm.options` is a JVM argument file for the central, not one for us.
        return new CommandLine(new LoadGenerator()).setExpandAtFiles(false).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        checkAtLeast(1, agencies, "--agencies");
        checkAtLeast(1, runs, "--runs");
        checkAtLeast(0, warmup, "--warmup");
        checkAtLeast(1, batch, "--batch");
        checkAtLeast(1, window, "--window");
        checkAtLeast(1, sliceMs, "--slice-ms");
        checkAtLeast(0, startDelayMs, "--start-delay-ms");
        checkAtLeast(1, eventLoops, "--event-loops");
        checkAtLeast(1, connecting, "--connecting");
        checkAtLeast(1, parked == null ? 1 : parked, "--parked");
        if (shape.stream().anyMatch(bets -> bets < 1)) {
            throw new ParameterException(spec.commandLine(), "--shape takes bet counts of 1 or more: " + shape);
        }
        Path work = Files.createTempDirectory("lottery-bench");
        try {
            return parked != null ? new ParkedBenchmark(this, work).run() : new IngestBenchmark(this, work).run();
        } finally {
            if (keep) {
                System.out.println("kept data and central logs in " + work);
            } else {
                deleteTree(work);
            }
        }
    }

    private void checkAtLeast(int least, int value, String option) {
        if (value < least) {
            throw new ParameterException(spec.commandLine(), option + " must be " + least + " or more: " + value);
        }
    }

    /** The centrals that every round runs, the project's first. */
    List<BenchedCentral> centrals() {
        return references ? List.of(BenchedCentral.values()) : List.of(BenchedCentral.CENTRAL);
    }

    /** How to start {@code central}: the given {@code java} and JVM options, the central's jar or a reference. */
    Launch launch(BenchedCentral central) {
        Launch program = switch (central) {
            case CENTRAL -> Launch.jar(serverJar);
            case NULL -> ReferenceCentral.launch("null");
            case NULL_CSV -> ReferenceCentral.launch("csv");
        };
        List<String> options = serverOptions();
        if (central == BenchedCentral.CENTRAL) {
            options.addAll(jvmOptions(centralOpts));
        }
        return program.withJava(serverJava).withJvmOptions(options);
    }

    /**
     * A central's settings (its environment) for {@code agencies} agencies storing in {@code dir}: any free port, a
     * backlog and a connection limit with room for every agency at once, INFO lines, {@code --storage-sync}.
     */
    Map<String, String> settings(int agencies, Path dir) {
        // The status port stays off unless this run's own environment asks for one (scripts/bench-status.sh),
        // so that a benchmark never competes for port 8080.
        return Map.of("SERVER_PORT", "0", "AGENCIES", String.valueOf(agencies),
                "STORAGE_FILEPATH", dir.resolve("bets.csv").toString(), "SERVER_LISTEN_BACKLOG", "4096",
                "MAX_CONNECTIONS", String.valueOf(agencies + 100), "LOGGING_LEVEL", "INFO",
                "STORAGE_SYNC", String.valueOf(storageSync),
                "STATUS_PORT", System.getenv().getOrDefault("STATUS_PORT", "0"));
    }

    /** The database server the central runs on, or null for the CSV file. */
    BenchDatabase database() {
        return storageUrl == null ? null : new BenchDatabase(storageUrl, storageUser, storagePassword);
    }

    /** The JVM options; an {@code @file} is made absolute, since the central runs in its own folder. */
    List<String> serverOptions() {
        return jvmOptions(serverOpts);
    }

    private static List<String> jvmOptions(String line) {
        String text = line.trim();
        List<String> options = new ArrayList<>();
        for (String word : text.isEmpty() ? new String[0] : text.split("\\s+")) {
            options.add(word.startsWith("@") ? "@" + Path.of(word.substring(1)).toAbsolutePath() : word);
        }
        return options;
    }

    /** Connects one waiter of {@link ParkedBenchmark} to the central on loopback; returns its channel once open. */
    static Channel connect(EventLoopGroup group, int port, ChannelHandler agency) {
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

    /** A whole frame, length header included, in a direct buffer: what the agency's pipeline would write. */
    static ByteBuf frame(Message message) {
        ByteBuf frame = Unpooled.directBuffer(Frames.MAX_FRAME_BYTES);
        FrameEncoder.encode(message, frame);
        return frame;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
