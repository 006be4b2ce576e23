package ar.loteria.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one central process logged, read from its lines once it has ended: its draws, the batches it stored before
 * and after its first draw, the repairs of a torn last row it made at start, the batches it recognized as already
 * stored, and its {@code result: fail} lines. Immutable; any thread.
 *
 * @param draws             {@code action: sorteo | result: success} lines
 * @param storedAfterDraw   {@code apuesta_recibida | result: success} lines after the first draw line
 * @param batchesStored     {@code apuesta_recibida | result: success} lines
 * @param betsStored        their {@code cantidad} values added up
 * @param repairs           the {@code bytes_cortados} of each {@code reparar_almacen} line
 * @param batchesRepeated   {@code lote_repetido} lines: batches sent again and recognized as stored
 * @param betsRepeated      their {@code apuestas} values added up
 * @param failLines         lines with {@code result: fail}
 */
record CentralTranscript(int draws, int storedAfterDraw, long batchesStored, long betsStored, List<Long> repairs,
                         long batchesRepeated, long betsRepeated, List<String> failLines) {

    static final String DRAW = "action: sorteo | result: success";
    private static final Pattern STORED =
            Pattern.compile("action: apuesta_recibida \\| result: success \\| cantidad: (\\d+)");
    private static final Pattern REPAIRED =
            Pattern.compile("action: reparar_almacen \\| result: success \\| .*bytes_cortados: (\\d+)");
    private static final Pattern REPEATED =
            Pattern.compile("action: lote_repetido \\| result: success \\| agency: \\d+ \\| apuestas: (\\d+)");
    private static final String FAIL = "| result: fail";

    CentralTranscript {
        repairs = List.copyOf(repairs);
        failLines = List.copyOf(failLines);
    }

    static CentralTranscript of(List<String> lines) {
        int draws = 0;
        int storedAfterDraw = 0;
        long batchesStored = 0;
        long betsStored = 0;
        List<Long> repairs = new ArrayList<>();
        long batchesRepeated = 0;
        long betsRepeated = 0;
        List<String> failLines = new ArrayList<>();
        for (String line : lines) {
            Matcher matcher;
            if (line.endsWith(DRAW)) {
                draws++;
            } else if ((matcher = STORED.matcher(line)).find()) {
                batchesStored++;
                betsStored += Long.parseLong(matcher.group(1));
                if (draws > 0) {
                    storedAfterDraw++;
                }
            } else if ((matcher = REPAIRED.matcher(line)).find()) {
                repairs.add(Long.parseLong(matcher.group(1)));
            } else if ((matcher = REPEATED.matcher(line)).find()) {
                batchesRepeated++;
                betsRepeated += Long.parseLong(matcher.group(1));
            }
            if (line.contains(FAIL)) {
                failLines.add(line);
            }
        }
        return new CentralTranscript(draws, storedAfterDraw, batchesStored, betsStored, repairs, batchesRepeated,
                betsRepeated, failLines);
    }

    /**
     * What is wrong with the log of central {@code name} for the contract: more than one draw (exactly one when
     * {@code last}), a stored batch logged after its draw, a repair that does not cut exactly the
     * {@code tailAtStart} bytes a killed process left, or {@code cantidad} values that do not account for the
     * {@code rowsAdded} rows it added ({@code killed}: at most that many, since a kill can fall between a write and
     * its line); -1 when the store could not be counted.
     */
    List<String> problems(String name, boolean last, boolean killed, long tailAtStart, long rowsAdded) {
        List<String> problems = new ArrayList<>();
        if (draws > 1 || (last && draws != 1)) {
            problems.add(String.format(Locale.ROOT, "%s logged `%s` %d times, %s", name, DRAW, draws,
                    last ? "the last central must log it exactly once" : "at most once"));
        }
        if (storedAfterDraw > 0) {
            problems.add(String.format(Locale.ROOT, "%s logged %d `apuesta_recibida | result: success` lines after "
                    + "its `sorteo` line", name, storedAfterDraw));
        }
        List<Long> expected = tailAtStart > 0 ? List.of(tailAtStart) : List.of();
        if (!repairs.equals(expected)) {
            problems.add(String.format(Locale.ROOT, "%s started on a store ending with %,d bytes of a torn row, so "
                    + "it must log %s; it logged reparar_almacen with bytes_cortados %s", name, tailAtStart,
                    tailAtStart > 0 ? "one repair of exactly those bytes" : "no repair", repairs));
        }
        if (rowsAdded >= 0 && (killed ? betsStored > rowsAdded : betsStored != rowsAdded)) {
            problems.add(String.format(Locale.ROOT, "%s's apuesta_recibida lines add up to %,d bets, but it added "
                    + "%,d rows to the store", name, betsStored, rowsAdded));
        }
        return problems;
    }
}
