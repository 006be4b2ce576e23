package ar.loteria.soak;

import ar.loteria.codec.WinningRule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agencies' bets files, read back as the store must come to hold them: each agency's bets in file order, each
 * as a {@linkplain #key key} of the fields a store row repeats after its agency, with the agency's winners (bets on
 * the winning number) and the bytes its rows take in the store. Immutable once read; any thread.
 */
final class AgencyInputs {

    /** Fields of a bets file's line: first_name, last_name, document, birthdate, number. */
    static final int INPUT_FIELDS = 5;

    private final List<Path> files;
    private final List<List<String>> bets;
    private final int[] winners;
    private final long storeBytes;

    private AgencyInputs(List<Path> files, List<List<String>> bets, int[] winners, long storeBytes) {
        this.files = List.copyOf(files);
        this.bets = List.copyOf(bets);
        this.winners = winners;
        this.storeBytes = storeBytes;
    }

    /** Reads {@code dir/agency-1.csv} ... {@code dir/agency-K.csv}; a file that is not bets is an error. */
    static AgencyInputs read(Path dir, int agencies) throws IOException {
        List<Path> files = new ArrayList<>();
        List<List<String>> bets = new ArrayList<>();
        int[] winners = new int[agencies];
        long storeBytes = 0;
        for (int id = 1; id <= agencies; id++) {
            Path file = dir.resolve("agency-" + id + ".csv");
            byte[] bytes = Files.readAllBytes(file);
            CsvRows.Read read = CsvRows.read(bytes, 0, bytes.length, CsvRows.LineEnds.LF_OR_CRLF, 0);
            if (read.problem() != null || read.end() != bytes.length) {
                throw new IOException(file + " is not a bets file: " + (read.problem() != null ? read.problem()
                        : "its last line has no line end"));
            }
            List<String> keys = new ArrayList<>();
            for (List<String> fields : read.rows()) {
                if (fields.isEmpty()) {
                    continue;
                }
                if (fields.size() != INPUT_FIELDS) {
                    throw new IOException(file + " line " + (keys.size() + 1) + " has " + fields.size()
                            + " fields, not " + INPUT_FIELDS);
                }
                String key = key(fields);
                keys.add(key);
                if (WinningRule.wins(number(fields.get(INPUT_FIELDS - 1)))) {
                    winners[id - 1]++;
                }
                storeBytes += storeRowBytes(id, fields);
            }
            files.add(file);
            bets.add(keys);
        }
        return new AgencyInputs(files, bets, winners, storeBytes);
    }

    /**
     * What a store row must repeat of a bet: the five fields of a bets file's line (or the last five of a store
     * row), the number as an integer, joined by NUL (which no valid field holds).
     */
    static String key(List<String> fields) {
        int n = fields.size();
        List<String> bet = new ArrayList<>(fields.subList(n - INPUT_FIELDS, n - 1));
        bet.add(String.valueOf(number(fields.get(n - 1))));
        return String.join("\0", bet);
    }

    /** The bytes a store row of {@code agency} with these five fields takes, as {@code csv.writer} writes it. */
    private static long storeRowBytes(int agency, List<String> fields) {
        long bytes = String.valueOf(agency).length() + 2L; // the agency's digits and CRLF
        for (int i = 0; i < fields.size(); i++) {
            String value = i == fields.size() - 1 ? String.valueOf(number(fields.get(i))) : fields.get(i);
            bytes += 1 + value.getBytes(StandardCharsets.UTF_8).length; // the comma before it
            if (value.matches("(?s).*[,\"\r\n].*")) {
                bytes += 2 + value.chars().filter(c -> c == '"').count();
            }
        }
        return bytes;
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    int agencies() {
        return bets.size();
    }

    Path file(int agency) {
        return files.get(agency - 1);
    }

    /** How many bets agency {@code agency} (from 1) has. */
    int bets(int agency) {
        return bets.get(agency - 1).size();
    }

    /** The key of agency {@code agency}'s bet at {@code index} (from 0). */
    String bet(int agency, int index) {
        return bets.get(agency - 1).get(index);
    }

    /** How many of agency {@code agency}'s bets are on the winning number. */
    int winners(int agency) {
        return winners[agency - 1];
    }

    long totalBets() {
        return bets.stream().mapToLong(List::size).sum();
    }

    /** The size of the complete store: every agency's rows once. */
    long storeBytes() {
        return storeBytes;
    }
}
