package ar.loteria.bench;

import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.bets.BetCsvReader;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FrameEncoder;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.WinningRule;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every agency's conversation of a load, encoded before the clock starts: the bets generated (or read from a
 * folder), read with the agency's own CSV reader, cut by its own {@link BetBatcher} and framed, then laid end to end
 * in one direct buffer that every run sends from. No per-run, per-agency buffer is made. Immutable once built; the
 * buffer is only ever read (each loop of the generator reads it through a view of its own).
 */
record PreparedLoad(ByteBuffer frames, List<PreparedAgency> agencies) {

    /** All the bets of all the agencies. */
    long bets() {
        return agencies.stream().mapToLong(PreparedAgency::bets).sum();
    }

    /**
     * Prepares {@code agencies} agencies: their files are read from {@code data} when it is given, otherwise
     * generated into {@code generated} with {@code shape}'s bet counts (repeated over the agencies).
     */
    static PreparedLoad prepare(int agencies, List<Integer> shape, int batch, Path data, Path generated)
            throws Exception {
        Path dir = data != null ? data : generated;
        Files.createDirectories(dir);
        Layout layout = new Layout();
        List<PreparedAgency> prepared = new ArrayList<>(agencies);
        for (int id = 1; id <= agencies; id++) {
            Path file = dir.resolve("agency-" + id + ".csv");
            if (data == null) {
                int bets = shape.get((id - 1) % shape.size());
                BetFileGenerator.writeAgencyFile(file, id, bets, Math.max(1, bets / 2000), 7574L + id, true);
            }
            prepared.add(layout.agency(id, file, batch));
        }
        return new PreparedLoad(layout.toDirectBuffer(), List.copyOf(prepared));
    }

    /** The frames as they are laid out, one agency after another. Preparing thread only. */
    private static final class Layout {
        private final ByteBuf frame = Unpooled.buffer(Frames.MAX_FRAME_BYTES);
        private byte[] bytes = new byte[1 << 20];
        private int length;

        PreparedAgency agency(long id, Path file, int batch) throws Exception {
            int start = length;
            List<Integer> ends = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            List<String> winners = new ArrayList<>();
            long bets = 0;
            ends.add(append(new Hello(id, "")));
            try (BetCsvReader reader = BetCsvReader.open(file)) {
                BetBatcher batcher = new BetBatcher(id, batch, reader, 0);
                for (BetBatch next = batcher.next(); next != null; next = batcher.next()) {
                    ends.add(append(next));
                    counts.add(next.bets().size());
                    bets += next.bets().size();
                    for (Bet bet : next.bets()) {
                        if (WinningRule.wins(bet.number())) {
                            winners.add(bet.document());
                        }
                    }
                }
            }
            ends.add(append(new Finish(id, bets)));
            ends.add(append(new ResultsRequest(id)));
            return new PreparedAgency(id, bets, List.copyOf(winners), start,
                    ends.stream().mapToInt(Integer::intValue).toArray(),
                    counts.stream().mapToInt(Integer::intValue).toArray());
        }

        /** Appends {@code message} as a whole frame; returns where it ends. */
        private int append(Message message) {
            frame.clear();
            FrameEncoder.encode(message, frame);
            int size = frame.readableBytes();
            if (length + size > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + size));
            }
            frame.readBytes(bytes, length, size);
            length += size;
            return length;
        }

        ByteBuffer toDirectBuffer() {
            return ByteBuffer.allocateDirect(length).put(bytes, 0, length).flip().asReadOnlyBuffer();
        }
    }
}
