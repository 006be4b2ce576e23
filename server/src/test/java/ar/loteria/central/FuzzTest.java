package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.draw.FileLedger;
import ar.loteria.central.draw.Ledger;
import ar.loteria.central.storage.CsvBetStore;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.MessageType;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throws mutated valid conversations (bit flips, inserted and deleted bytes, changed length headers, truncation,
 * spliced, duplicated and swapped frames, changed type bytes), split into random reads, at (a) the central's real
 * pipeline in an {@link EmbeddedChannel} over a real CSV store and (b) a live central over sockets. No exception
 * may escape, every reply must decode, and the store must hold only whole, valid batches that were sent, each
 * continuing its agency's bets; in (a), every stored batch is acknowledged too.
 *
 * <p>Seeded and bounded: the seed is printed, {@code -Dfuzz.seed=N} replays a run, and both iterations and time
 * are capped ({@code -Dfuzz.pipelineIterations}, {@code -Dfuzz.liveIterations}, {@code -Dfuzz.seconds}). Each
 * iteration draws from its own {@code Random(seed, iteration)}, so a failure message (which names both) reproduces
 * under the same seed whatever the machine's speed. Live replies may vary a little with timing (for example which
 * refusal overtakes which ACK); the checks do not depend on it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 7574L);
    private static final int PIPELINE_ITERATIONS = Integer.getInteger("fuzz.pipelineIterations", 4_000);
    private static final int LIVE_ITERATIONS = Integer.getInteger("fuzz.liveIterations", 400);
    /** Time cap of each of the two tests; raise it with the iteration caps for a long local run. */
    private static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("fuzz.seconds", 4));
    /** Agencies the fuzz speaks for; far fewer than the draw needs, so the draw never closes the fuzz. */
    private static final int FUZZ_AGENCIES = 40;
    private static final int AGENCIES_TO_DRAW = 100;
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final String[] NAMES = {"Ana", "José María", "O\"Neil", "Lo, pez", "Ñandú", "x\r\ny", "Zoë",
        "\"", "a\rb", " lead", "Tab\tname", "Pérez"};

    @TempDir
    Path dir;

    private final Map<Long, List<List<String>>> model = new HashMap<>();
    private final LocalDate today = LocalDate.now();
    private LogCapture log;
    private Appender<ILoggingEvent> console;
    private long fileOffset;

    @BeforeEach
    void quietConsole() {
        // Thousands of refused frames would flood the build output; the lines still reach the capture.
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        console = root.getAppender("STDOUT");
        if (console != null) {
            root.detachAppender(console);
        }
        log = LogCapture.attach();
        System.out.println("FuzzTest seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    }

    @AfterEach
    void restoreConsole() {
        log.close();
        if (console != null) {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(console);
        }
    }

    private Path store() {
        return dir.resolve("bets.csv");
    }

    private ServerConfig config(int agencies) {
        return new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies, store(), 1000, IDLE, Map.of());
    }

    // ---------------------------------------------------------------------------------------------------------
    // (a) the pipeline
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void mutatedConversationsNeverBreakThePipelineOrStorePartOfABatch() throws Exception {
        try (CsvBetStore store = CsvBetStore.open(store())) {
            FileLedger ledger = Dispatchers.ledger(store, AGENCIES_TO_DRAW);
            CentralInitializer initializer = new CentralInitializer(config(AGENCIES_TO_DRAW),
                    Dispatchers.immediate(ledger), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), null);
            Stats stats = new Stats();
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int i = 0;
            for (; i < PIPELINE_ITERATIONS && System.nanoTime() < deadline; i++) {
                pipelineIteration(i, initializer, ledger, stats);
            }
            System.out.println("FuzzTest pipeline: seed " + SEED + ", " + i + " conversations, " + stats);
            assertTrue(stats.storedBatches > 0 && stats.closingErrors > 0, "the fuzz reached both ends: " + stats);
        }
        assertEquals(model(), StoreRows.byAgency(store()));
    }

    private void pipelineIteration(int iteration, CentralInitializer initializer, Ledger ledger, Stats stats)
            throws IOException {
        Random random = random(iteration);
        long agency = 1 + random.nextInt(FUZZ_AGENCIES);
        Mutated mutated = mutate(random, conversation(random, agency, ledger.stored(agency), true));
        String context = "seed " + SEED + " iteration " + iteration + " " + mutated.description();
        List<BetBatch> candidates = batchesTheCentralCanDecode(mutated.bytes(), context);

        EmbeddedChannel channel = new EmbeddedChannel(initializer);
        ByteBuf replies = Unpooled.buffer();
        try {
            for (byte[] read : split(random, mutated.bytes())) {
                if (!channel.isOpen()) {
                    break;
                }
                if (random.nextInt(20) == 0) {
                    // a stall longer than the idle timeout between two reads
                    channel.advanceTimeBy(IDLE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                    channel.runScheduledPendingTasks();
                }
                if (channel.isOpen()) {
                    channel.writeInbound(Unpooled.wrappedBuffer(read));
                }
            }
            channel.runPendingTasks();
            drainOutbound(channel, replies);
            channel.close();
            channel.runPendingTasks();
            drainOutbound(channel, replies);
            channel.checkException();
        } catch (Throwable escaped) {
            throw new AssertionError(context + ": an exception escaped the pipeline", escaped);
        } finally {
            channel.finishAndReleaseAll();
        }
        List<Message> messages;
        try {
            messages = decodeAll(replies, context);
        } finally {
            replies.release();
        }

        assertNoUnexpectedFailure(context);
        List<BatchAck> acks = acksOf(messages, agency, ledger, context, stats);
        List<BetBatch> stored = checkStoredRows(candidates, context);
        for (BetBatch batch : stored) {
            assertTrue(acks.contains(new BatchAck(batch.first(), batch.bets().size())),
                    context + ": batch stored but not acknowledged: first " + batch.first());
        }
        stats.storedBatches += stored.size();
    }

    private static void drainOutbound(EmbeddedChannel channel, ByteBuf into) {
        for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
            ByteBuf part = (ByteBuf) out;
            into.writeBytes(part);
            part.release();
        }
    }

    private static List<Message> decodeAll(ByteBuf replies, String context) {
        List<Message> messages = new ArrayList<>();
        while (replies.readableBytes() >= Frames.HEADER_BYTES) {
            int length = replies.getInt(replies.readerIndex());
            assertTrue(length > 0 && length <= Frames.MAX_PAYLOAD_BYTES, context + ": reply length " + length);
            if (replies.readableBytes() < Frames.HEADER_BYTES + length) {
                break;
            }
            replies.skipBytes(Frames.HEADER_BYTES);
            try {
                messages.add(MessageDecoder.decode(replies.readSlice(length)));
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": a reply does not decode", e);
            }
        }
        assertFalse(replies.isReadable(), context + ": a reply was cut");
        return messages;
    }

    /**
     * The replies' batch ACKs, after checking that each reply is one the central may send and that an ACK names
     * bets that are stored.
     */
    private List<BatchAck> acksOf(List<Message> replies, long agency, Ledger ledger, String context,
                                  Stats stats) {
        Long bound = null;
        List<BatchAck> acks = new ArrayList<>();
        for (Message reply : replies) {
            assertTrue(reply.type().code() >= 0x80, context + ": the central sent " + reply);
            if (reply instanceof Welcome welcome) {
                bound = welcome.agency();
            } else if (reply instanceof BatchAck ack) {
                acks.add(ack);
                long of = bound != null ? bound : agency;
                assertTrue(ack.first() + ack.count() <= ledger.stored(of), context + ": ACK " + ack
                        + " for bets not stored; agency " + of + " has " + ledger.stored(of));
            } else if (reply instanceof ErrorReply error) {
                assertFalse(error.code() == ErrorCode.STORAGE_FAILURE || error.code() == ErrorCode.SHUTTING_DOWN,
                        context + ": " + error);
                if (error.code().closesConnection()) {
                    stats.closingErrors++;
                } else {
                    stats.refusals++;
                }
            }
        }
        return acks;
    }

    private void assertNoUnexpectedFailure(String context) {
        for (LogCapture.Line line : log.lines()) {
            assertFalse(line.hasThrowable() || line.toString().startsWith("ERROR action: conexion"),
                    context + ": unexpected failure logged: " + line);
        }
        log.clear();
    }

    // ---------------------------------------------------------------------------------------------------------
    // (b) a live central
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void mutatedConversationsOverSocketsLeaveALiveCentralServingAndItsFileWhole() throws Exception {
        CentralServer server = new CentralServer(config(AGENCIES_TO_DRAW), null, 2);
        server.start();
        Stats stats = new Stats();
        try {
            long deadline = System.nanoTime() + BUDGET.toNanos();
            int i = 0;
            for (; i < LIVE_ITERATIONS && System.nanoTime() < deadline; i++) {
                liveIteration(i, server.port(), stats);
            }
            System.out.println("FuzzTest live: seed " + SEED + ", " + i + " connections, " + stats);
            assertTrue(stats.storedBatches > 0 && stats.closingErrors > 0, "the fuzz reached both ends: " + stats);

            // then: a normal agency is still served, up to its FINISH
            healthyAgencySendsAndFinishes(server.port());
        } finally {
            server.close();
        }

        // and the file holds exactly the whole batches found above, ends on a whole row, and opens without repair
        assertEquals(model(), StoreRows.byAgency(store()));
        String text = Files.readString(store(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\r\n"));
        log.clear();
        try (CentralServer restarted = new CentralServer(config(1), null, 2)) {
            restarted.start();
            assertTrue(log.matching("reparar_almacen").isEmpty(), "a whole file needs no repair");
            // the healthy agency's FINISH (again, after the restart) makes the draw, over exactly the file
            try (SocketAgency agency = new SocketAgency(restarted.port())) {
                long stored = model.get(HEALTHY).size();
                assertEquals(new Welcome(HEALTHY, stored), agency.send(new Hello(HEALTHY, "")).receive());
                assertEquals(new FinishAck(HEALTHY, stored), agency.send(new Finish(HEALTHY, stored)).receive());
                assertEquals(new Winners(true, winnersInModel(HEALTHY)),
                        agency.send(new ResultsRequest(HEALTHY)).receive());
            }
            for (long agency = 1; agency <= FUZZ_AGENCIES; agency++) {
                try (SocketAgency socket = new SocketAgency(restarted.port())) {
                    socket.send(new Hello(agency, "")).receive();
                    assertEquals(new Winners(true, winnersInModel(agency)),
                            socket.send(new ResultsRequest(agency)).receive(), "winners of agency " + agency);
                }
            }
        }
    }

    private static final long HEALTHY = 99;

    private void liveIteration(int iteration, int port, Stats stats) throws Exception {
        Random random = random(iteration);
        long agency = 1 + random.nextInt(FUZZ_AGENCIES);
        boolean helloMutated = random.nextInt(4) == 0;
        try (SocketAgency socket = new SocketAgency(port)) {
            long stored;
            if (helloMutated) {
                stored = storedPerCentral(port, agency);
            } else {
                Welcome welcome = assertInstanceOf(Welcome.class, socket.send(new Hello(agency, "")).receive());
                stored = welcome.stored();
            }
            Mutated mutated = mutate(random, conversation(random, agency, stored, helloMutated));
            String context = "seed " + SEED + " live iteration " + iteration + " " + mutated.description();
            // Whatever the mutation left, 0xff bytes behind it end in FRAME_TOO_LONG, so the central closes. They
            // may also complete a cut frame, so the central can decode them too.
            byte[] tail = new byte[Frames.MAX_FRAME_BYTES + Frames.HEADER_BYTES];
            Arrays.fill(tail, (byte) 0xFF);
            List<BetBatch> candidates = batchesTheCentralCanDecode(splice(mutated.bytes(), tail), context);
            try {
                for (byte[] read : split(random, mutated.bytes())) {
                    socket.sendRaw(read);
                }
                socket.sendRaw(tail);
            } catch (IOException closedEarly) {
                // the central closed on an error before all was sent
            }
            List<Message> replies;
            try {
                replies = socket.receiveUntilClosed();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(context + ": bad reply", e);
            }
            // a HELLO of a fresh connection is answered on the storage thread after everything queued before it
            storedPerCentral(port, agency);
            assertNoUnexpectedFailure(context);
            stats.storedBatches += checkStoredRows(candidates, context).size();
            Long bound = helloMutated ? null : agency;
            for (Message reply : replies) {
                if (reply instanceof Welcome welcome) {
                    bound = welcome.agency();
                } else if (reply instanceof BatchAck ack) {
                    long of = bound != null ? bound : agency;
                    assertTrue(ack.first() + ack.count() <= model.getOrDefault(of, List.of()).size(),
                            context + ": ACK " + ack + " beyond the stored bets");
                } else if (reply instanceof ErrorReply error) {
                    assertFalse(error.code() == ErrorCode.STORAGE_FAILURE, context + ": " + error);
                    if (error.code().closesConnection()) {
                        stats.closingErrors++;
                    } else {
                        stats.refusals++;
                    }
                }
            }
        }
    }

    /** Bets of {@code agency} in the store, as a fresh connection's WELCOME tells. */
    private static long storedPerCentral(int port, long agency) throws IOException {
        try (SocketAgency probe = new SocketAgency(port)) {
            return assertInstanceOf(Welcome.class, probe.send(new Hello(agency, "")).receive()).stored();
        }
    }

    private void healthyAgencySendsAndFinishes(int port) throws IOException {
        try (SocketAgency agency = new SocketAgency(port)) {
            assertEquals(new Welcome(HEALTHY, 0), agency.send(new Hello(HEALTHY, "")).receive());
            List<Bet> bets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                bets.add(new Bet("Sana", "Agencia", String.valueOf(1000 + i), "1980-01-01", i % 3 == 0 ? 7574 : i));
            }
            assertEquals(new BatchAck(0, 6), agency.send(new BetBatch(HEALTHY, 0, bets.subList(0, 6))).receive());
            assertEquals(new BatchAck(6, 4), agency.send(new BetBatch(HEALTHY, 6, bets.subList(6, 10))).receive());
            assertEquals(new FinishAck(HEALTHY, 10), agency.send(new Finish(HEALTHY, 10)).receive());
            model.put(HEALTHY, bets.stream().map(bet -> StoreRows.rowOf(HEALTHY, bet)).toList());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The store check shared by both
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Reads the rows appended to the file since the last check and matches them, in order, against the batches
     * the conversation could have stored: each stored batch must be a whole decoded batch of valid bets that
     * continues its agency's stored bets. Anything else (a partial batch, a row nobody sent) fails.
     *
     * @return the batches found stored
     */
    private List<BetBatch> checkStoredRows(List<BetBatch> candidates, String context) throws IOException {
        List<List<String>> added;
        try (RandomAccessFile file = new RandomAccessFile(store().toFile(), "r")) {
            byte[] bytes = new byte[(int) (file.length() - fileOffset)];
            file.seek(fileOffset);
            file.readFully(bytes);
            fileOffset += bytes.length;
            added = StoreRows.parse(new String(bytes, StandardCharsets.UTF_8), context);
        }
        List<BetBatch> stored = new ArrayList<>();
        int at = 0;
        for (BetBatch batch : candidates) {
            List<List<String>> ofAgency = model.computeIfAbsent(batch.agency(), a -> new ArrayList<>());
            List<List<String>> rows = batch.bets().stream().map(bet -> StoreRows.rowOf(batch.agency(), bet)).toList();
            if (batch.first() == ofAgency.size() && at + rows.size() <= added.size()
                    && added.subList(at, at + rows.size()).equals(rows)) {
                ofAgency.addAll(rows);
                at += rows.size();
                stored.add(batch);
            }
        }
        assertEquals(added.size(), at, context + ": rows stored that are no whole batch sent: "
                + added.subList(at, added.size()));
        return stored;
    }

    private Map<Long, List<List<String>>> model() {
        Map<Long, List<List<String>>> rows = new LinkedHashMap<>();
        model.forEach((agency, list) -> {
            if (!list.isEmpty()) {
                rows.put(agency, list);
            }
        });
        return rows;
    }

    private List<String> winnersInModel(long agency) {
        return model.getOrDefault(agency, List.of()).stream().filter(row -> row.get(5).equals("7574"))
                .map(row -> row.get(3)).toList();
    }

    /**
     * The batches of valid bets the central could decode from {@code stream}: frames cut as its frame decoder
     * cuts them, up to the first that cannot be decoded. Also checks that the decoder refuses bad payloads only
     * with {@link CorruptedFrameException}, and that every payload it accepts from an agency encodes back to the
     * same bytes.
     */
    private List<BetBatch> batchesTheCentralCanDecode(byte[] stream, String context) {
        List<BetBatch> batches = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        while (in.readableBytes() >= Frames.HEADER_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > Frames.MAX_PAYLOAD_BYTES || in.readableBytes() < Frames.HEADER_BYTES + length) {
                break;
            }
            in.skipBytes(Frames.HEADER_BYTES);
            ByteBuf payload = in.readSlice((int) length);
            Message message;
            try {
                message = MessageDecoder.decode(payload.duplicate());
            } catch (CorruptedFrameException refused) {
                break;
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": the decoder failed with " + e, e);
            }
            if (message.type().code() < 0x80) {
                ByteBuf again = Unpooled.buffer();
                try {
                    MessageEncoder.encode(message, again);
                    assertArrayEquals(ByteBufUtil.getBytes(payload), ByteBufUtil.getBytes(again),
                            context + ": " + message + " does not encode back to its bytes");
                } finally {
                    again.release();
                }
            }
            if (message instanceof BetBatch batch
                    && batch.bets().stream().allMatch(bet -> BetRules.violation(bet, today) == null)) {
                batches.add(batch);
            }
        }
        return batches;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Conversations and mutations
    // ---------------------------------------------------------------------------------------------------------

    private static Random random(int iteration) {
        return new Random(SEED * 0x9E3779B97F4A7C15L + iteration);
    }

    /** A valid conversation of {@code agency} from its {@code stored} bets on, one frame per message. */
    private static List<byte[]> conversation(Random random, long agency, long stored, boolean withHello) {
        List<byte[]> frames = new ArrayList<>();
        if (withHello) {
            frames.add(LiveAttackTest.messageFrame(new Hello(agency, "")));
        }
        long first = stored;
        int batches = 1 + random.nextInt(4);
        for (int b = 0; b < batches; b++) {
            List<Bet> bets = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                bets.add(validBet(random));
            }
            frames.add(LiveAttackTest.messageFrame(new BetBatch(agency, first, bets)));
            first += count;
        }
        if (random.nextInt(10) == 0) {
            // mostly a wrong total (refused, the agency goes on); a right one ends the agency's bets for good
            long total = random.nextInt(10) == 0 ? first : first + 1 + random.nextInt(3);
            frames.add(LiveAttackTest.messageFrame(new Finish(agency, total)));
        }
        if (random.nextInt(3) == 0) {
            frames.add(LiveAttackTest.messageFrame(new ResultsRequest(agency)));
        }
        return frames;
    }

    private static Bet validBet(Random random) {
        LocalDate birth = LocalDate.of(1900, 1, 1).plusDays(random.nextInt(38_000));
        StringBuilder document = new StringBuilder();
        for (int i = 1 + random.nextInt(10); i > 0; i--) {
            document.append((char) ('0' + random.nextInt(10)));
        }
        return new Bet(NAMES[random.nextInt(NAMES.length)], NAMES[random.nextInt(NAMES.length)],
                document.toString(), birth.toString(), random.nextInt(5) == 0 ? 7574 : random.nextInt(10_000));
    }

    /** A mutated conversation and what was done to it. */
    record Mutated(byte[] bytes, String description) {
    }

    private static final byte[] SPECIAL = {0x00, (byte) 0xFF, 0x7F, (byte) 0x80, (byte) 0xC0, (byte) 0xC3,
        (byte) 0xED, (byte) 0xF4, ' ', ',', '"', '\r', '\n', 0x01};
    private static final long[] LENGTHS = {0, 1, 8188, 8189, 8193, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL};

    private static Mutated mutate(Random random, List<byte[]> conversation) {
        List<byte[]> frames = new ArrayList<>(conversation);
        List<String> done = new ArrayList<>();
        int mutations = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            frames.removeIf(frame -> frame.length == 0);
            if (frames.isEmpty()) {
                break;
            }
            int f = random.nextInt(frames.size());
            byte[] frame = frames.get(f);
            int at = random.nextInt(frame.length);
            switch (random.nextInt(11)) {
                case 0 -> {
                    int bit = random.nextInt(8);
                    frame = frame.clone();
                    frame[at] ^= (byte) (1 << bit);
                    done.add("flip frame " + f + " byte " + at + " bit " + bit);
                }
                case 1 -> {
                    byte value = (byte) random.nextInt(256);
                    frame = splice(Arrays.copyOf(frame, at), new byte[] {value}, Arrays.copyOfRange(frame, at,
                            frame.length));
                    done.add("insert " + (value & 0xFF) + " in frame " + f + " at " + at);
                }
                case 2 -> {
                    frame = splice(Arrays.copyOf(frame, at), Arrays.copyOfRange(frame, at + 1, frame.length));
                    done.add("delete frame " + f + " byte " + at);
                }
                case 3 -> {
                    long length = random.nextBoolean() ? LENGTHS[random.nextInt(LENGTHS.length)]
                            : frame.length - Frames.HEADER_BYTES + random.nextInt(7) - 3;
                    frame = frame.clone();
                    if (frame.length >= Frames.HEADER_BYTES) {
                        Unpooled.wrappedBuffer(frame).setInt(0, (int) length);
                    }
                    done.add("length of frame " + f + " set to " + length);
                }
                case 4 -> {
                    frame = Arrays.copyOf(frame, at);
                    frames.subList(f + 1, frames.size()).clear();
                    done.add("truncate in frame " + f + " at " + at);
                }
                case 5 -> {
                    int other = random.nextInt(frames.size());
                    byte[] tail = frames.get(other);
                    int from = random.nextInt(tail.length);
                    frame = splice(Arrays.copyOf(frame, at), Arrays.copyOfRange(tail, from, tail.length));
                    done.add("splice frame " + f + "[0.." + at + ") with frame " + other + "[" + from + "..)");
                }
                case 6 -> {
                    frames.add(random.nextInt(frames.size() + 1), frame);
                    done.add("duplicate frame " + f);
                }
                case 7 -> {
                    int other = random.nextInt(frames.size());
                    byte[] moved = frames.get(other);
                    frames.set(other, frame);
                    frame = moved;
                    done.add("swap frames " + f + " and " + other);
                }
                case 8 -> {
                    int type = random.nextInt(256);
                    if (frame.length > Frames.HEADER_BYTES) {
                        frame = frame.clone();
                        frame[Frames.HEADER_BYTES] = (byte) type;
                    }
                    done.add("type of frame " + f + " set to " + type + " (" + typeName(type) + ")");
                }
                case 9 -> {
                    byte value = SPECIAL[random.nextInt(SPECIAL.length)];
                    frame = frame.clone();
                    frame[at] = value;
                    done.add("frame " + f + " byte " + at + " set to " + (value & 0xFF));
                }
                default -> {
                    int delta = random.nextBoolean() ? 1 : -1;
                    frame = frame.clone();
                    frame[at] += (byte) delta;
                    done.add("frame " + f + " byte " + at + (delta > 0 ? " +1" : " -1"));
                }
            }
            if (f < frames.size()) {
                frames.set(f, frame);
            }
        }
        return new Mutated(splice(frames.toArray(byte[][]::new)), done.toString());
    }

    private static String typeName(int code) {
        try {
            return MessageType.fromCode(code).name();
        } catch (CorruptedFrameException e) {
            return "unknown";
        }
    }

    private static byte[] splice(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    /** {@code bytes} as the reads a peer's writes may arrive in: one, a few, or one byte each. */
    private static List<byte[]> split(Random random, byte[] bytes) {
        List<byte[]> reads = new ArrayList<>();
        int pieces = random.nextInt(10) == 0 ? bytes.length : 1 + random.nextInt(Math.max(1, Math.min(8,
                bytes.length)));
        int[] cuts = new int[pieces + 1];
        cuts[pieces] = bytes.length;
        for (int i = 1; i < pieces; i++) {
            cuts[i] = random.nextInt(bytes.length + 1);
        }
        Arrays.sort(cuts);
        for (int i = 0; i < pieces; i++) {
            if (cuts[i + 1] > cuts[i]) {
                reads.add(Arrays.copyOfRange(bytes, cuts[i], cuts[i + 1]));
            }
        }
        return reads;
    }

    /** What the fuzz reached, printed so a run shows it tested something. */
    private static final class Stats {
        int storedBatches;
        int refusals;
        int closingErrors;

        @Override
        public String toString() {
            return storedBatches + " batches stored, " + refusals + " refusals, " + closingErrors
                    + " closing errors";
        }
    }
}
