package ar.loteria.central;

import ar.loteria.codec.Bet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the bets file back the way Python's {@code csv.reader} does (fields in {@code "} may hold commas, line
 * breaks and doubled quotes; a record ends at CRLF, LF or a lone CR outside quotes), independently of the
 * central's own scanner. Strict: a half row at the end or text after a closing quote fails the test.
 */
final class StoreRows {

    private StoreRows() {
    }

    /** Every row of the file, each as its fields. */
    static List<List<String>> read(Path file) throws IOException {
        return parse(Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "", file.toString());
    }

    /** Every row of {@code text} (a whole file, or a part of one that starts on a row), each as its fields. */
    static List<List<String>> parse(String text, String where) {
        List<List<String>> rows = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean inQuotes = false;
        boolean quoted = false;
        boolean rowStarted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c != '"') {
                    field.append(c);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    inQuotes = false;
                }
                continue;
            }
            if (quoted && c != ',' && c != '\r' && c != '\n') {
                throw new AssertionError("text after a closing quote at char " + i + " of " + where);
            }
            if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                quoted = false;
                rowStarted = true;
            } else if (c == '\r' || c == '\n') {
                fields.add(field.toString());
                rows.add(List.copyOf(fields));
                fields.clear();
                field.setLength(0);
                quoted = false;
                rowStarted = false;
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '"' && field.length() == 0) {
                inQuotes = true;
                quoted = true;
                rowStarted = true;
            } else {
                field.append(c);
                rowStarted = true;
            }
        }
        if (rowStarted || inQuotes) {
            throw new AssertionError(where + " ends in a half row: " + fields + " + " + field);
        }
        return rows;
    }

    /** The rows of the file grouped by agency, each agency's rows in file order. */
    static Map<Long, List<List<String>>> byAgency(Path file) throws IOException {
        Map<Long, List<List<String>>> rows = new LinkedHashMap<>();
        for (List<String> row : read(file)) {
            if (row.size() != 6) {
                throw new AssertionError("row with " + row.size() + " fields: " + row);
            }
            rows.computeIfAbsent(Long.parseLong(row.get(0)), a -> new ArrayList<>()).add(row);
        }
        return rows;
    }

    /** The row the central must store for {@code bet} of {@code agency}. */
    static List<String> rowOf(long agency, Bet bet) {
        return List.of(String.valueOf(agency), bet.firstName(), bet.lastName(), bet.document(), bet.birthdate(),
                String.valueOf(bet.number()));
    }

    /** The rows for {@code bets} of each agency, in order. */
    static Map<Long, List<List<String>>> rowsOf(Map<Long, List<Bet>> bets) {
        Map<Long, List<List<String>>> rows = new LinkedHashMap<>();
        bets.forEach((agency, list) -> {
            if (!list.isEmpty()) {
                rows.put(agency, list.stream().map(bet -> rowOf(agency, bet)).toList());
            }
        });
        return rows;
    }
}
