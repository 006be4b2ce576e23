package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.ledger.csv.CsvBetStore;
import ar.loteria.central.ledger.csv.CsvLedger;
import ar.loteria.central.ledger.csv.RenderedRows;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.WireBets;
import ar.loteria.logging.LogLevels;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The central's pipeline without sockets, on JMH: each stage a benchmark method that takes the whole data set
 * (786,970 bets by default, the course's data set ten times, in the agency's batches) and reports nanoseconds per
 * bet ({@link OperationsPerInvocation} is the number of bets). The stages: decode frames, validate on wire bytes
 * (what the central runs), validate on {@code Bet} objects (the agency's check), render CSV rows from wire bytes,
 * render and write to a file, the whole pipeline (frames in through the real {@link CentralInitializer}, acks out,
 * file written) and reading the whole store back (what a restart does). Every stage checks that it saw every bet;
 * what it computes goes to a {@link Blackhole}.
 *
 * <p>The stages share one set-up of the data (this {@link State}), so one run lists and compares them all.
 *
 * <pre>java -jar benchmarks/target/lottery-bench.jar [JMH options]      (make bench-pipeline)</pre>
 * The options are JMH's ({@code -h} lists them): {@code -f} forks, {@code -wi}/{@code -i} warm-up and measured
 * iterations, {@code -jvmArgsAppend -XX:TieredStopAtLevel=1} for C1 only as the image runs the central;
 * {@code -p bets=N} takes N bets, and {@link #main} then counts N operations per invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(PipelineBenchmark.BETS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PipelineBenchmark {

    /** Bets in the default data set, and so the default operations per invocation. */
    public static final int BETS = 786_970;

    /** Bets in the data set; each invocation of a stage takes all of them. */
    @Param("786970")
    public int bets;

    private List<BetBatch> batches;
    private List<ByteBuf> frames;
    private List<BetBatch> decoded;
    private Path dir;
    /** The whole data set stored, opened once: the read-back stage reads it, as a restart does after opening. */
    private CsvBetStore fullStore;
    private LocalDate today;

    /** A fresh file for the stages that write one, removed after each invocation (untimed). */
    @State(Scope.Thread)
    public static class Scratch {
        private Path file;
        private int next;

        @Setup(Level.Invocation)
        public void name(PipelineBenchmark data) {
            file = data.dir.resolve("scratch-" + next++ + ".csv");
        }

        @TearDown(Level.Invocation)
        public void delete() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Generates the bets, cuts them into the agency's batches, encodes them as frames, decodes those frames once
     * (for the stages that start from decoded batches) and writes the store the read-back stage reads.
     */
    @Setup(Level.Trial)
    public void prepare(BenchmarkParams params) throws IOException {
        if (params.getOpsPerInvocation() != bets) {
            throw new IllegalArgumentException(bets + " bets but " + params.getOpsPerInvocation()
                    + " operations per invocation: give -opi " + bets + " too (PipelineBenchmark.main does)");
        }
        // Per-batch INFO lines would measure the console, not the pipeline.
        LogLevels.apply(ch.qos.logback.classic.Level.WARN);
        today = LocalDate.now();
        batches = batches(generate(bets, 42));
        frames = new ArrayList<>(batches.size());
        for (BetBatch batch : batches) {
            ByteBuf frame = Unpooled.directBuffer(Frames.MAX_FRAME_BYTES);
            FrameEncoder.encode(batch, frame);
            frames.add(frame);
        }
        decoded = new ArrayList<>(batches.size());
        EmbeddedChannel decoder = decoder();
        for (ByteBuf frame : frames) {
            decoder.writeInbound(frame.retainedDuplicate());
            for (Object m = decoder.readInbound(); m != null; m = decoder.readInbound()) {
                decoded.add((BetBatch) m);
            }
        }
        decoder.finishAndReleaseAll();
        dir = Files.createTempDirectory("pipeline-bench");
        fullStore = CsvBetStore.open(dir.resolve("full.csv"));
        for (BetBatch batch : batches) {
            fullStore.append(batch.agency(), batch.bets());
        }
    }

    @TearDown(Level.Trial)
    public void release() throws IOException {
        frames.forEach(ByteBuf::release);
        fullStore.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** Frames to {@code BetBatch} records holding wire bytes, through the central's frame and message decoders. */
    @Benchmark
    public void decode(Blackhole blackhole) {
        EmbeddedChannel channel = decoder();
        long count = 0;
        for (ByteBuf frame : frames) {
            channel.writeInbound(frame.retainedDuplicate());
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                count += ((BetBatch) m).bets().size();
                blackhole.consume(m);
            }
        }
        channel.finishAndReleaseAll();
        check(count);
    }

    /** {@link BetRules} on decoded batches, which keep their bets as wire bytes: what the central runs. */
    @Benchmark
    public void validateOnWireBytes() {
        long valid = 0;
        for (BetBatch batch : decoded) {
            WireBets wire = (WireBets) batch.bets();
            for (int i = 0; i < wire.size(); i++) {
                if (BetRules.violation(wire, i, today) == null) {
                    valid++;
                }
            }
        }
        check(valid);
    }

    /** {@link BetRules} on {@code Bet} objects: the agency's check. */
    @Benchmark
    public void validateOnBetObjects() {
        long valid = 0;
        for (BetBatch batch : batches) {
            for (Bet bet : batch.bets()) {
                if (BetRules.violation(bet, today) == null) {
                    valid++;
                }
            }
        }
        check(valid);
    }

    /** CSV rows rendered from decoded batches, as the event loops do, without writing them. */
    @Benchmark
    public void renderRows(Blackhole blackhole) {
        long bytes = 0;
        for (BetBatch batch : decoded) {
            RenderedRows rows = RenderedRows.render(batch.agency(), batch.bets());
            bytes += rows.bytes().length;
            blackhole.consume(rows);
        }
        if (bytes < bets) {
            throw new IllegalStateException("rendered " + bytes + " bytes for " + bets + " bets");
        }
    }

    /** Rows rendered from {@code Bet} objects and appended to a new file, one append per batch. */
    @Benchmark
    public void renderAndWrite(Scratch scratch) throws IOException {
        try (CsvBetStore store = CsvBetStore.open(scratch.file)) {
            for (BetBatch batch : batches) {
                store.append(batch.agency(), batch.bets());
            }
        }
    }

    /**
     * The whole pipeline: frames into the central's real pipeline ({@link CentralInitializer} in an
     * {@link EmbeddedChannel}, the storage executor made immediate, a real CSV store on a new file), every
     * BATCH_ACK read back and counted.
     */
    @Benchmark
    public void wholePipelineWithAcks(Scratch scratch, Blackhole blackhole) throws IOException {
        ServerConfig config = new ServerConfig(0, "server", 128, "WARN", ch.qos.logback.classic.Level.WARN, 1,
                scratch.file, 10,
                Duration.ofSeconds(30), Map.of());
        long acked = 0;
        try (CsvBetStore store = CsvBetStore.open(scratch.file)) {
            CsvLedger ledger = new CsvLedger(store, scratch.file, 1, Clock.systemDefaultZone());
            StorageDispatcher storage = new StorageDispatcher(ImmediateEventExecutor.INSTANCE, ledger,
                    StorageDispatcher.defaultMaxQueued(), Clock.systemDefaultZone());
            EmbeddedChannel channel = new EmbeddedChannel(new CentralInitializer(config, storage,
                    new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), null));
            ByteBuf hello = Unpooled.buffer();
            FrameEncoder.encode(new Hello(1, ""), hello);
            channel.writeInbound(hello);
            for (ByteBuf frame : frames) {
                channel.writeInbound(frame.retainedDuplicate());
                for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                    // One buffer per reply (FrameEncoder): the length header, then the message.
                    ByteBuf reply = (ByteBuf) out;
                    try {
                        Message message = MessageDecoder.decode(reply.skipBytes(Frames.HEADER_BYTES));
                        if (message instanceof BatchAck ack) {
                            acked += ack.count();
                        }
                        blackhole.consume(message);
                    } finally {
                        reply.release();
                    }
                }
            }
            channel.finishAndReleaseAll();
        }
        check(acked);
    }

    /**
     * Reads the whole store back for the winners, as a central restarted on a full store does once it has opened
     * it (the open's own scan is not timed).
     */
    @Benchmark
    public void readBack(Blackhole blackhole) throws IOException {
        Map<Long, List<String>> found = new HashMap<>();
        fullStore.winningDocuments(found);
        if (bets > 100_000 && found.isEmpty()) {
            throw new IllegalStateException("no winners among " + bets + " bets");
        }
        blackhole.consume(found);
    }

    private static EmbeddedChannel decoder() {
        return new EmbeddedChannel(Frames.newDecoder(), MessageDecoder.INSTANCE);
    }

    private void check(long got) {
        if (got != bets) {
            throw new IllegalStateException("expected " + bets + " bets through the stage, got " + got);
        }
    }

    /** Bets shaped like the course's data set: two-word names, 8-digit documents, numbers 0-9999. */
    static List<Bet> generate(int count, long seed) {
        String[] first = {"Santiago Lionel", "Agustín Emanuel", "Tiago Nicolás", "María José", "Lucía", "Ñaki"};
        String[] last = {"Lorca", "Zambrano", "Rivera", "Pérez", "Gómez", "Fernández"};
        Random random = new Random(seed);
        List<Bet> bets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            bets.add(new Bet(first[random.nextInt(first.length)], last[random.nextInt(last.length)],
                    String.format("%08d", random.nextInt(100_000_000)),
                    String.format("%04d-%02d-%02d", 1940 + random.nextInt(65), 1 + random.nextInt(12),
                            1 + random.nextInt(28)),
                    random.nextInt(10_000)));
        }
        return bets;
    }

    /** The agency's batching: as many bets as fit one frame, at most 200, in order, for agency 1. */
    static List<BetBatch> batches(List<Bet> bets) {
        List<BetBatch> batches = new ArrayList<>();
        List<Bet> current = new ArrayList<>();
        int size = MessageEncoder.BATCH_HEADER_BYTES;
        long first = 0;
        for (Bet bet : bets) {
            int bytes = MessageEncoder.betBytes(bet);
            if (current.size() == 200 || size + bytes > Frames.MAX_PAYLOAD_BYTES) {
                batches.add(new BetBatch(1, first, current));
                first += current.size();
                current = new ArrayList<>();
                size = MessageEncoder.BATCH_HEADER_BYTES;
            }
            current.add(bet);
            size += bytes;
        }
        if (!current.isEmpty()) {
            batches.add(new BetBatch(1, first, current));
        }
        return batches;
    }

    /** Runs the stages with JMH's command-line options; see {@link #run}. */
    public static void main(String[] args) throws Exception {
        run(args);
    }

    /**
     * Runs the stages with JMH's command-line options ({@code -h} lists them) and returns their results. With
     * {@code -p bets=N} (one value) each invocation counts N operations, so the figures stay per bet.
     */
    static Collection<RunResult> run(String... args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList() || cli.shouldListProfilers() || cli.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return List.of();
        }
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli)
                .include(PipelineBenchmark.class.getName() + "\\.");
        Collection<String> counts = cli.getParameter("bets").orElse(List.of());
        if (counts.size() > 1) {
            throw new IllegalArgumentException("one -p bets=N at a time: each count needs its own -opi");
        }
        if (counts.size() == 1 && !cli.getOperationsPerInvocation().hasValue()) {
            options.operationsPerInvocation(Integer.parseInt(counts.iterator().next()));
        }
        return new Runner(options.build()).run();
    }
}
