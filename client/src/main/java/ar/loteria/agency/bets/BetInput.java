package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Where an agency's bets come from: its bets file, or the single bet of the environment. Each connection opens
 * its own {@link BetSource}, so a reconnect reads from the start again. Opened and counted off the event loop.
 */
public interface BetInput {

    /** The file name, or a description, for log lines. */
    String name();

    /** A new source positioned at the first bet. */
    BetSource open() throws IOException;

    /** How many bets there are: a first pass over the whole input, which also checks every record. */
    default long count() throws IOException, BetFileException {
        long count = 0;
        try (BetSource source = open()) {
            while (source.next() != null) {
                count++;
            }
        }
        return count;
    }

    /** The bets of a CSV file, streamed by {@link BetCsvReader}. */
    static BetInput file(Path path) {
        return new FileInput(path);
    }

    /** A fixed list of bets (single-bet mode, tests). */
    static BetInput of(String name, List<Bet> bets) {
        List<Bet> copy = List.copyOf(bets);
        return new BetInput() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public BetSource open() {
                Iterator<Bet> iterator = copy.iterator();
                return new BetSource() {
                    @Override
                    public Bet next() {
                        return iterator.hasNext() ? iterator.next() : null;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public long count() {
                return copy.size();
            }
        };
    }

    /** A bets file; the count is remembered, since every connection of a run asks for it. */
    final class FileInput implements BetInput {

        private final Path path;
        private volatile long count = -1;

        private FileInput(Path path) {
            this.path = path;
        }

        @Override
        public String name() {
            return path.toString();
        }

        @Override
        public BetSource open() throws IOException {
            return BetCsvReader.open(path);
        }

        @Override
        public long count() throws IOException, BetFileException {
            long known = count;
            if (known < 0) {
                known = BetInput.super.count();
                count = known;
            }
            return known;
        }
    }
}
