package ar.loteria.agency.generate;

import ar.loteria.agency.AgencyMain;
import ar.loteria.agency.ExitStatus;
import ar.loteria.codec.BetRules;
import ar.loteria.logging.ActionLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes reproducible bets files in the agency's format, for tests, benchmarks and demos:
 *
 * <pre>
 * java -jar lottery-client.jar generate --out DIR --agencies N --bets B [--seed S] [--winners W] [--crlf]
 * java -jar lottery-client.jar generate --out DIR --bets B1,B2,...,BN [--seed S] [--winners W] [--crlf]
 * </pre>
 * writes {@code DIR/agency-1.csv} ... {@code DIR/agency-N.csv}, B bets each (or Bi for agency i). Names are
 * Argentine first and last names (accents and ñ included), documents have 8 digits (some with leading zeros),
 * birthdates fall in 1940..2005, and exactly W bets per file carry the winning number {@value #WINNING_NUMBER}
 * (no other bet does). The same arguments always give the same bytes: {@link Random} is fully specified, and each
 * file is seeded from S and its agency. LF line ends unless {@code --crlf}. Defaults: {@code --out .data},
 * {@code --seed 7574}, {@code --winners} one per 2,000 bets (at least one when there are bets).
 */
public final class BetFileGenerator {

    /** The first argument that selects the generator in {@link AgencyMain}. */
    public static final String COMMAND = "generate";
    public static final String USAGE = "generate --out DIR --agencies N --bets B[,B2,...] [--seed S] [--winners W]"
            + " [--crlf]";
    /** The number the draw picks. */
    public static final int WINNING_NUMBER = 7574;
    public static final long DEFAULT_SEED = 7574;

    private static final Logger LOG = LoggerFactory.getLogger(BetFileGenerator.class);

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
     * @param winners how many of them carry {@value #WINNING_NUMBER}, 0..bets
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
                boolean wins = random.nextInt(bets - i) < winnersLeft;
                int number;
                if (wins) {
                    winnersLeft--;
                    number = WINNING_NUMBER;
                    winnerDocuments.add(document);
                } else {
                    // 0..9999 without the winning number: draw among 9,999 values and step over it.
                    number = random.nextInt(BetRules.MAX_NUMBER);
                    if (number >= WINNING_NUMBER) {
                        number++;
                    }
                }
                out.write(field(firstName) + ',' + field(lastName) + ',' + document + ',' + birthdate + ','
                        + number + newline);
            }
        }
        return winnerDocuments;
    }

    /** The {@code generate} command; returns the exit code (0 done, 1 bad arguments, 2 a file not written). */
    public static int run(String[] args) {
        Arguments parsed;
        try {
            parsed = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            LOG.error("{}", ActionLine.fail("generar").withError(e.getMessage()).with("usage", USAGE));
            return ExitStatus.CONFIG_ERROR.code();
        }
        try {
            Files.createDirectories(parsed.out());
            for (int agency = 1; agency <= parsed.bets().size(); agency++) {
                int bets = parsed.bets().get(agency - 1);
                int winners = parsed.winners() >= 0 ? parsed.winners() : defaultWinners(bets);
                Path file = parsed.out().resolve("agency-" + agency + ".csv");
                List<String> documents = writeAgencyFile(file, agency, bets, winners, parsed.seed(), parsed.crlf());
                LOG.info("{}", ActionLine.success("generar").with("file", file).with("apuestas", bets)
                        .with("ganadores", documents.size()).with("bytes", Files.size(file)));
            }
        } catch (IOException e) {
            LOG.error("{}", ActionLine.fail("generar").with("out", parsed.out()).withError(e.toString()));
            return ExitStatus.BETS_FILE_ERROR.code();
        }
        return ExitStatus.SUCCESS.code();
    }

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

    /** The parsed command line; {@code winners} is -1 for the default. */
    private record Arguments(Path out, List<Integer> bets, long seed, int winners, boolean crlf) {

        static Arguments parse(String[] args) {
            Path out = Path.of(".data");
            Integer agencies = null;
            List<Integer> bets = null;
            long seed = DEFAULT_SEED;
            int winners = -1;
            boolean crlf = false;
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                String value = null;
                int equals = name.indexOf('=');
                if (equals > 0) {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                }
                if (name.equals("--crlf")) {
                    crlf = true;
                    continue;
                }
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                switch (name) {
                    case "--out" -> out = Path.of(value);
                    case "--agencies" -> agencies = (int) number(name, value, 1, 100_000);
                    case "--bets", "--bets-per-agency" -> {
                        bets = new ArrayList<>();
                        for (String count : value.split(",", -1)) {
                            bets.add((int) number(name, count.trim(), 0, Integer.MAX_VALUE));
                        }
                    }
                    case "--seed" -> seed = number(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
                    case "--winners" -> winners = (int) number(name, value, 0, Integer.MAX_VALUE);
                    default -> throw new IllegalArgumentException("unknown option " + name);
                }
            }
            if (bets == null) {
                throw new IllegalArgumentException("--bets is required");
            }
            if (bets.size() == 1 && agencies == null) {
                throw new IllegalArgumentException("--agencies is required with a single --bets count");
            }
            if (bets.size() == 1) {
                bets = new ArrayList<>(Collections.nCopies(agencies, bets.get(0)));
            } else if (agencies != null && agencies != bets.size()) {
                throw new IllegalArgumentException("--agencies " + agencies + " but " + bets.size()
                        + " counts in --bets");
            }
            int fewest = Collections.min(bets);
            if (winners > fewest) {
                throw new IllegalArgumentException("--winners " + winners + " is more than the " + fewest
                        + " bets of an agency");
            }
            return new Arguments(out, List.copyOf(bets), seed, winners, crlf);
        }

        private static long number(String name, String value, long min, long max) {
            long parsed;
            try {
                parsed = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " " + value + " is not an integer");
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(name + " " + value + " is outside " + min + ".." + max);
            }
            return parsed;
        }
    }
}
