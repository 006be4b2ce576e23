package ar.loteria.bench;

import ar.loteria.agency.bets.BetBatcher;
import ar.loteria.agency.bets.BetCsvReader;
import ar.loteria.agency.generate.BetFileGenerator;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.WinningRule;
import io.netty.buffer.ByteBuf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One agency's data for the load generator, batched by the agency's own {@link BetBatcher} and framed before the
 * clock starts, with what the central must answer: its bet count and its number of winners. The frames belong to
 * whoever prepared them, who releases them with {@link #release}; every run sends duplicates.
 *
 * @param counts bets per frame
 */
record PreparedAgency(long id, long bets, int winners, List<ByteBuf> frames, int[] counts) {

    /**
     * Prepares {@code agencies} agencies: their files are read from {@code data} when it is given, otherwise
     * generated into {@code generated} with {@code shape}'s bet counts (repeated over the agencies).
     */
    static List<PreparedAgency> prepare(int agencies, List<Integer> shape, int batch, Path data, Path generated)
            throws Exception {
        Path dir = data != null ? data : generated;
        Files.createDirectories(dir);
        List<PreparedAgency> prepared = new ArrayList<>();
        for (int id = 1; id <= agencies; id++) {
            Path file = dir.resolve("agency-" + id + ".csv");
            if (data == null) {
                int bets = shape.get((id - 1) % shape.size());
                BetFileGenerator.writeAgencyFile(file, id, bets, Math.max(1, bets / 2000), 7574L + id, true);
            }
            prepared.add(read(id, file, batch));
        }
        return prepared;
    }

    private static PreparedAgency read(long id, Path file, int batch) throws Exception {
        List<ByteBuf> frames = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        long bets = 0;
        int winners = 0;
        try (BetCsvReader reader = BetCsvReader.open(file)) {
            BetBatcher batcher = new BetBatcher(id, batch, reader, 0);
            for (BetBatch next = batcher.next(); next != null; next = batcher.next()) {
                frames.add(LoadGenerator.frame(next));
                counts.add(next.bets().size());
                bets += next.bets().size();
                winners += (int) next.bets().stream().filter(bet -> WinningRule.wins(bet.number())).count();
            }
        }
        return new PreparedAgency(id, bets, winners, frames, counts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Releases every agency's frames. */
    static void release(List<PreparedAgency> agencies) {
        agencies.forEach(agency -> agency.frames().forEach(ByteBuf::release));
    }
}
