package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.draw.FileLedger;
import ar.loteria.central.storage.CsvBetStore;
import ar.loteria.central.storage.CsvRows;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.WireBets;
import ar.loteria.logging.LogLevels;
import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The central's pipeline without sockets: frames in, acknowledgements out, bets stored to a real file. Reports the
 * per-bet cost of each stage (decode, validation, CSV store) and of the whole pipeline, as medians of several runs,
 * so a regression shows without the noise of a network.
 *
 * <p>{@code java -cp lottery-bench.jar ar.loteria.central.PipelineBenchmark [bets] [runs]}
 */
public final class PipelineBenchmark {

    /** One stage's timings, in nanoseconds per bet. */
    record Figure(String stage, double[] nanosPerBet) {
        double median() {
            double[] sorted = nanosPerBet.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        String line() {
            double[] sorted = nanosPerBet.clone();
            Arrays.sort(sorted);
            double median = median();
            return String.format(Locale.ROOT, "%-22s %8.1f ns/bet  %,12.0f bets/s  (min %.1f, max %.1f, runs %d)",
                    stage, median, 1e9 / median, sorted[0], sorted[sorted.length - 1], sorted.length);
        }
    }

    private PipelineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int bets = args.length > 0 ? Integer.parseInt(args[0]) : 786_970;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        // Per-batch INFO lines would measure the console, not the pipeline.
        LogLevels.apply(Level.WARN);
        System.out.printf(Locale.ROOT, "pipeline benchmark: %,d bets, %d runs after a warm-up, JDK %s%n", bets, runs,
                System.getProperty("java.version"));
        for (Figure figure : run(bets, runs)) {
            System.out.println(figure.line());
            if (figure.stage().startsWith("read back")) {
                System.out.printf(Locale.ROOT, "%-22s %8.1f ms for the whole store%n", "read back",
                        figure.median() * bets / 1e6);
            }
        }
    }

    /** Runs every stage {@code runs} times (after one warm-up) over {@code bets} generated bets. */
    static List<Figure> run(int bets, int runs) throws IOException {
        List<BetBatch> batches = batches(generate(bets, 42));
        List<ByteBuf> frames = new ArrayList<>();
        for (BetBatch batch : batches) {
            frames.add(frame(batch));
        }
        Path dir = Files.createTempDirectory("pipeline-bench");
        try {
            double[] decode = new double[runs];
            double[] validate = new double[runs];
            double[] validateWire = new double[runs];
            double[] renderWire = new double[runs];
            List<BetBatch> wireBatches = decodeAll(frames);
            double[] store = new double[runs];
            double[] pipeline = new double[runs];
            double[] readBack = new double[runs];
            Path fullFile = dir.resolve("full.csv");
            try (CsvBetStore full = CsvBetStore.open(fullFile)) {
                for (BetBatch batch : batches) {
                    full.append(batch.agency(), batch.bets());
                }
            }
            for (int run = -1; run < runs; run++) {
                double d = decode(frames, bets);
                double v = validate(batches, bets);
                double vw = validateWire(wireBatches, bets);
                double rw = render(wireBatches, bets);
                double s = store(batches, bets, dir.resolve("store-" + run + ".csv"));
                double p = pipeline(frames, bets, dir.resolve("pipeline-" + run + ".csv"));
                double w = readBack(fullFile, bets);
                if (run >= 0) {
                    decode[run] = d;
                    validate[run] = v;
                    validateWire[run] = vw;
                    renderWire[run] = rw;
                    store[run] = s;
                    pipeline[run] = p;
                    readBack[run] = w;
                }
            }
            return List.of(new Figure("decode", decode), new Figure("validate", validate),
                    new Figure("validate (wire bytes)", validateWire),
                    new Figure("render rows (wire bytes)", renderWire),
                    new Figure("csv store (to file)", store), new Figure("whole pipeline", pipeline),
                    new Figure("read back (restart)", readBack));
        } finally {
            frames.forEach(ByteBuf::release);
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    private static double decode(List<ByteBuf> frames, int bets) {
        EmbeddedChannel channel = new EmbeddedChannel(Frames.newDecoder(), MessageDecoder.INSTANCE);
        long count = 0;
        long start = System.nanoTime();
        for (ByteBuf frame : frames) {
            channel.writeInbound(frame.retainedDuplicate());
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                count += ((BetBatch) m).bets().size();
            }
        }
        long elapsed = System.nanoTime() - start;
        channel.finishAndReleaseAll();
        check(count, bets);
        return (double) elapsed / bets;
    }

    private static double validate(List<BetBatch> batches, int bets) {
        LocalDate today = LocalDate.now();
        long valid = 0;
        long start = System.nanoTime();
        for (BetBatch batch : batches) {
            for (Bet bet : batch.bets()) {
                if (BetRules.violation(bet, today) == null) {
                    valid++;
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        check(valid, bets);
        return (double) elapsed / bets;
    }

    private static List<BetBatch> decodeAll(List<ByteBuf> frames) {
        EmbeddedChannel channel = new EmbeddedChannel(Frames.newDecoder(), MessageDecoder.INSTANCE);
        List<BetBatch> decoded = new ArrayList<>();
        for (ByteBuf frame : frames) {
            channel.writeInbound(frame.retainedDuplicate());
            for (Object m = channel.readInbound(); m != null; m = channel.readInbound()) {
                decoded.add((BetBatch) m);
            }
        }
        channel.finishAndReleaseAll();
        return decoded;
    }

    /** BetRules on decoded batches, which keep their bets as wire bytes. */
    private static double validateWire(List<BetBatch> batches, int bets) {
        LocalDate today = LocalDate.now();
        long valid = 0;
        long start = System.nanoTime();
        for (BetBatch batch : batches) {
            WireBets wire = (WireBets) batch.bets();
            for (int i = 0; i < wire.size(); i++) {
                if (BetRules.violation(wire, i, today) == null) {
                    valid++;
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        check(valid, bets);
        return (double) elapsed / bets;
    }

    /** CSV rows rendered from decoded batches, as the event loops do, without writing them. */
    private static double render(List<BetBatch> batches, int bets) {
        long bytes = 0;
        long start = System.nanoTime();
        for (BetBatch batch : batches) {
            bytes += CsvRows.render(batch.agency(), batch.bets()).bytes().length;
        }
        long elapsed = System.nanoTime() - start;
        if (bytes < bets) {
            throw new IllegalStateException("rendered " + bytes + " bytes for " + bets + " bets");
        }
        return (double) elapsed / bets;
    }

    private static double store(List<BetBatch> batches, int bets, Path file) throws IOException {
        long start = System.nanoTime();
        try (CsvBetStore store = CsvBetStore.open(file)) {
            for (BetBatch batch : batches) {
                store.append(batch.agency(), batch.bets());
            }
        }
        long elapsed = System.nanoTime() - start;
        Files.delete(file);
        return (double) elapsed / bets;
    }

    private static double pipeline(List<ByteBuf> frames, int bets, Path file) throws IOException {
        ServerConfig config = new ServerConfig(0, "server", 128, "WARN", Level.WARN, 1, file, 10,
                Duration.ofSeconds(30), Map.of());
        long acked = 0;
        long start = System.nanoTime();
        try (CsvBetStore store = CsvBetStore.open(file)) {
            FileLedger ledger = new FileLedger(store, file, 1, Clock.systemDefaultZone());
            StorageDispatcher storage = new StorageDispatcher(ImmediateEventExecutor.INSTANCE, ledger,
                    StorageDispatcher.defaultMaxQueued(), Clock.systemDefaultZone());
            EmbeddedChannel channel = new EmbeddedChannel(new CentralInitializer(config, storage,
                    new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), null));
            channel.writeInbound(frame(new Hello(1, "")));
            for (ByteBuf frame : frames) {
                channel.writeInbound(frame.retainedDuplicate());
                for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
                    ByteBuf reply = (ByteBuf) out;
                    // One buffer per reply: a BATCH_ACK frame is length u32, type, first u32, count u16.
                    if (reply.readableBytes() == 11 && reply.getByte(reply.readerIndex() + 4) == (byte) 0x82) {
                        acked += reply.getUnsignedShort(reply.readerIndex() + 9);
                    }
                    ReferenceCountUtil.release(reply);
                }
            }
            channel.finishAndReleaseAll();
        }
        long elapsed = System.nanoTime() - start;
        Files.delete(file);
        check(acked, bets);
        return (double) elapsed / bets;
    }

    /** Reads the whole store back for the winners, as a central restarted on a full store does at start. */
    private static double readBack(Path file, int bets) throws IOException {
        long start = System.nanoTime();
        long winners;
        try (CsvBetStore store = CsvBetStore.open(file)) {
            long opened = System.nanoTime();
            Map<Long, List<String>> found = new java.util.HashMap<>();
            store.winningDocuments(found);
            winners = found.values().stream().mapToLong(List::size).sum();
            start = opened;
        }
        long elapsed = System.nanoTime() - start;
        if (winners == 0 && bets > 100_000) {
            throw new IllegalStateException("no winners among " + bets + " bets");
        }
        return (double) elapsed / bets;
    }

    private static void check(long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("expected " + expected + " bets through the stage, got " + got);
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

    private static ByteBuf frame(Message message) {
        ByteBuf payload = Unpooled.buffer();
        MessageEncoder.encode(message, payload);
        ByteBuf frame = Unpooled.directBuffer(4 + payload.readableBytes());
        frame.writeInt(payload.readableBytes()).writeBytes(payload);
        payload.release();
        return frame;
    }
}
