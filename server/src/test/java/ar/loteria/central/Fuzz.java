package ar.loteria.central;

import ar.loteria.central.config.ServerConfig;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.MessageType;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.testkit.WireFrames;
import ch.qos.logback.classic.Level;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The fuzz that {@link PipelineFuzzTest} and {@link LiveFuzzTest} throw at the central: valid conversations
 * (HELLO, batches of bets with commas, quotes and line breaks in their names, sometimes FINISH and RESULTS), then
 * mutated (bit flips, inserted and deleted bytes, changed length headers, truncation, spliced, duplicated and
 * swapped frames, changed type bytes), then split into random reads.
 *
 * <p>Seeded and bounded: the seed is printed, {@code -Dfuzz.seed=N} replays a run, and both iterations and time
 * are capped ({@code -Dfuzz.pipelineIterations}, {@code -Dfuzz.liveIterations}, {@code -Dfuzz.seconds}). Each
 * iteration draws from its own {@code Random(seed, iteration)}, so a failure message (which names both) reproduces
 * under the same seed whatever the machine's speed.
 */
final class Fuzz {

    static final long SEED = Long.getLong("fuzz.seed", 7574L);
    static final int PIPELINE_ITERATIONS = Integer.getInteger("fuzz.pipelineIterations", 4_000);
    static final int LIVE_ITERATIONS = Integer.getInteger("fuzz.liveIterations", 400);
    /** Time cap of each of the two tests; raise it with the iteration caps for a long local run. */
    static final Duration BUDGET = Duration.ofSeconds(Integer.getInteger("fuzz.seconds", 4));
    /** Agencies the fuzz speaks for; far fewer than the draw needs, so the draw never closes the fuzz. */
    static final int FUZZ_AGENCIES = 40;
    static final int AGENCIES_TO_DRAW = 100;
    static final Duration IDLE = Duration.ofSeconds(2);
    private static final String[] NAMES = {"Ana", "José María", "O\"Neil", "Lo, pez", "Ñandú", "x\r\ny", "Zoë",
        "\"", "a\rb", " lead", "Tab\tname", "Pérez"};

    private Fuzz() {
    }

    /** A central over {@code store} that draws when {@code agencies} have finished, with the short idle timeout. */
    static ServerConfig config(Path store, int agencies) {
        return new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies, store, 1000, IDLE, Map.of());
    }

    /** The random numbers of one iteration: the same for the same seed and iteration, whatever ran before. */
    static Random random(int iteration) {
        return new Random(SEED * 0x9E3779B97F4A7C15L + iteration);
    }

    /** A valid conversation of {@code agency} from its {@code stored} bets on, one frame per message. */
    static List<byte[]> conversation(Random random, long agency, long stored, boolean withHello) {
        List<byte[]> frames = new ArrayList<>();
        if (withHello) {
            frames.add(WireFrames.bytes(new Hello(agency, "")));
        }
        long first = stored;
        int batches = 1 + random.nextInt(4);
        for (int b = 0; b < batches; b++) {
            List<Bet> bets = new ArrayList<>();
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                bets.add(validBet(random));
            }
            frames.add(WireFrames.bytes(new BetBatch(agency, first, bets)));
            first += count;
        }
        if (random.nextInt(10) == 0) {
            // mostly a wrong total (refused, the agency goes on); a right one ends the agency's bets for good
            long total = random.nextInt(10) == 0 ? first : first + 1 + random.nextInt(3);
            frames.add(WireFrames.bytes(new Finish(agency, total)));
        }
        if (random.nextInt(3) == 0) {
            frames.add(WireFrames.bytes(new ResultsRequest(agency)));
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

    static Mutated mutate(Random random, List<byte[]> conversation) {
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

    static byte[] splice(byte[]... parts) {
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
    static List<byte[]> split(Random random, byte[] bytes) {
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
}
