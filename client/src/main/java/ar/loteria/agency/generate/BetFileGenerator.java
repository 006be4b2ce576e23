package ar.loteria.agency.generate;

import ar.loteria.codec.BetRules;
import ar.loteria.codec.WinningRule;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes reproducible bets files in the agency's format, for tests, benchmarks and demos ({@link GenerateCommand}
 * is its command line). Names are Argentine first and last names (accents and ñ included), documents have 8
 * digits (some with leading zeros), birthdates fall in 1940..2005, and exactly the requested number of bets per
 * file carry the winning number ({@link WinningRule#NUMBER}; no other bet does). The same arguments always give
 * the same bytes: {@link Random} is fully specified, and each file is seeded from the run's seed and its agency.
 * Runs on the caller's thread.
 */
public final class BetFileGenerator {

    /** The seed when none is given. */
    public static final long DEFAULT_SEED = 7574;

    /** First names by gender, so that a compound first name stays plausible. */
    private static final String[][] FIRST_NAMES = {{
        "Santiago", "Mateo", "Joaquín", "Tomás", "Valentín", "Agustín", "Benjamín", "Nicolás", "Martín",
        "Julián", "Sebastián", "Máximo", "Lautaro", "Facundo", "Gonzalo", "Ramón", "Andrés", "Matías", "Iñaki",
        "Ángel", "Emiliano", "Thiago", "Bautista", "Lionel", "Ezequiel", "Germán", "Hernán", "Rubén", "Darío",
        "Fermín"
    }, {
        "Lucía", "Sofía", "Valentina", "Martina", "Camila", "Florencia", "Milagros", "Agustina", "Julieta",
        "Catalina", "Belén", "Inés", "Mónica", "Verónica", "Noelia", "Begoña", "Azul", "Malena", "Pilar",
        "Jazmín", "Luján", "Rocío", "Abril", "María", "Ana", "Celeste", "Guadalupe", "Ximena", "Candela", "Ailén"
    }};
    private static final String[] LAST_NAMES = {
        "González", "Rodríguez", "Gómez", "Fernández", "López", "Díaz", "Martínez", "Pérez", "García",
        "Sánchez", "Romero", "Sosa", "Álvarez", "Torres", "Ruiz", "Ramírez", "Flores", "Acosta", "Benítez",
        "Medina", "Suárez", "Herrera", "Aguirre", "Pereyra", "Gutiérrez", "Giménez", "Molina", "Silva",
        "Castro", "Rojas", "Ortiz", "Núñez", "Luna", "Juárez", "Cabrera", "Ríos", "Ferreyra", "Godoy",
        "Morales", "Domínguez", "Muñoz", "Peña", "Ibáñez", "Ordóñez", "Acuña", "Quiroga", "Vázquez", "Ledesma",
        "Villalba", "Zárate", "Ojeda", "Maldonado", "Paz", "Correa", "Báez", "Cáceres", "Olivera", "Montenegro",
        "Yáñez", "Campaña"
    };
    private static final LocalDate OLDEST = LocalDate.of(1940, 1, 1);
    private static final LocalDate YOUNGEST = LocalDate.of(2005, 12, 31);
    /** 8-digit documents; those below this one print with leading zeros. */
    private static final int LEADING_ZERO_LIMIT = 10_000_000;

    private BetFileGenerator() {
    }

    /**
     * Writes one agency's file at {@code path} (replacing it) and returns the documents of its winners, in file
     * order.
     *
     * @param agency  agency id, mixed into the seed so agencies differ
     * @param bets    how many bets
     * @param winners how many of them carry the winning number, 0..bets
     * @param seed    the run's seed
     * @param crlf    {@code \r\n} line ends instead of {@code \n}
     */
    public static List<String> writeAgencyFile(Path path, long agency, int bets, int winners, long seed,
                                               boolean crlf) throws IOException {
        if (bets < 0 || winners < 0 || winners > bets) {
            throw new IllegalArgumentException("need 0 <= winners (" + winners + ") <= bets (" + bets + ")");
        }
        Random random = new Random(seed * 1_000_003L + agency);
        String newline = crlf ? "\r\n" : "\n";
        long days = YOUNGEST.toEpochDay() - OLDEST.toEpochDay() + 1;
        List<String> winnerDocuments = new ArrayList<>(winners);
        int winnersLeft = winners;
        try (Writer out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            for (int i = 0; i < bets; i++) {
                String[] firstNames = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
                String firstName = names(random, firstNames, random.nextInt(3) == 0 ? 2 : 1);
                String lastName = names(random, LAST_NAMES, random.nextInt(8) == 0 ? 2 : 1);
                int documentValue = random.nextInt(10) == 0
                        ? random.nextInt(LEADING_ZERO_LIMIT)
                        : LEADING_ZERO_LIMIT + random.nextInt(50_000_000);
                String document = String.format("%08d", documentValue);
                LocalDate birthdate = OLDEST.plusDays(random.nextInt((int) days));
                // Selection sampling: each remaining bet wins with probability winnersLeft / betsLeft, which
                // picks exactly `winners` bets without holding the file in memory.
                int number;
                if (random.nextInt(bets - i) < winnersLeft) {
                    winnersLeft--;
                    number = WinningRule.NUMBER;
                } else {
                    // 0..9999 without the winning number: draw among 9,999 values and step over it.
                    number = random.nextInt(BetRules.MAX_NUMBER);
                    if (number >= WinningRule.NUMBER) {
                        number++;
                    }
                }
                if (WinningRule.wins(number)) {
                    winnerDocuments.add(document);
                }
                out.write(field(firstName) + ',' + field(lastName) + ',' + document + ',' + birthdate + ','
                        + number + newline);
            }
        }
        return winnerDocuments;
    }

    /** The winners of an agency's file when none are asked for: one per 2,000 bets, at least one when any. */
    static int defaultWinners(int bets) {
        return bets == 0 ? 0 : Math.max(1, bets / 2000);
    }

    /** One name, or two different ones joined by a space. */
    private static String names(Random random, String[] names, int count) {
        int first = random.nextInt(names.length);
        if (count == 1) {
            return names[first];
        }
        int second = (first + 1 + random.nextInt(names.length - 1)) % names.length;
        return names[first] + ' ' + names[second];
    }

    /** A CSV field as Python's csv module would write it (quoted only when it must be). */
    static String field(String value) {
        boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0;
        return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }
}
