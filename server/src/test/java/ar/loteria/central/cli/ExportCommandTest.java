package ar.loteria.central.cli;

import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.csv.CsvLedger;
import ar.loteria.central.ledger.postgres.PostgresLedger;
import ar.loteria.codec.Bet;
import ar.loteria.testkit.TestPostgres;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar lottery-server.jar export --out FILE}, run in-process on both stores. */
class ExportCommandTest {

    @TempDir
    Path dir;

    /** Bets whose rows need every rule of the format: quotes, commas, line breaks, accents, leading zeros. */
    private static List<Bet> bets(long agency, int count) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String first = switch (i % 4) {
                case 0 -> "Ana \"la\" Pérez";
                case 1 -> "Luis, Jr.";
                case 2 -> "Inés\r\nsegunda línea";
                default -> "Ñandú";
            };
            bets.add(new Bet(first, "López" + i, String.format("%08d", agency * 1000 + i), "1970-0" + (1 + i % 9)
                    + "-1" + i % 10, i % 5 == 0 ? 7574 : i));
        }
        return bets;
    }

    /** {@code java -jar lottery-server.jar export ARGS...} with the configuration of {@code configFile} and {@code env}. */
    private static int export(Path configFile, Map<String, String> env, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "export";
        System.arraycopy(args, 0, command, 1, args.length);
        return CentralMain.execute(configFile, env, System.out, System.err, command);
    }

    private static Batch batch(long agency, List<Bet> bets, int from, int to) {
        return new Batch(agency, from, WireBatches.decoded(bets.subList(from, to)));
    }

    @Test
    void theDatabasesExportIsWhatTheCsvStoreWritesForTheSameBetsAgencyByAgency() throws Exception {
        // given: the same three agencies' bets, in batches of 7, into a CSV store (agency after agency) and into a
        // database (the agencies' batches interleaved, as concurrent agencies send them)
        Map<Long, List<Bet>> input = Map.of(1L, bets(1, 30), 2L, bets(2, 17), 3L, bets(3, 1));
        Path csv = dir.resolve("bets.csv");
        String url = TestPostgres.shared().newDatabase();
        try (Ledger file = CsvLedger.open(csv, false, 3);
             Ledger database = PostgresLedger.open(new DatabaseSettings(url, TestPostgres.USER,
                     TestPostgres.PASSWORD), 3)) {
            for (long agency = 1; agency <= 3; agency++) {
                List<Bet> bets = input.get(agency);
                for (int from = 0; from < bets.size(); from += 7) {
                    assertTrue(file.store(List.of(batch(agency, bets, from, Math.min(bets.size(), from + 7))))
                            .get(0).acknowledged());
                }
            }
            for (int from = 0; from < 30; from += 7) {
                for (long agency = 3; agency >= 1; agency--) {
                    List<Bet> bets = input.get(agency);
                    if (from < bets.size()) {
                        assertTrue(database.store(List.of(batch(agency, bets, from,
                                Math.min(bets.size(), from + 7)))).get(0).acknowledged());
                    }
                }
            }
        }

        // when
        Path out = dir.resolve("export/bets.csv");
        Files.createDirectories(out.getParent());
        int status = export(dir.resolve("none.ini"), Map.of("STORAGE_URL", url, "STORAGE_USER", TestPostgres.USER,
                "STORAGE_PASSWORD", TestPostgres.PASSWORD, "AGENCIES", "3"), "--out", out.toString());

        // then: byte for byte, row for row, each agency's bets in its order
        assertEquals(0, status);
        assertArrayEquals(Files.readAllBytes(csv), Files.readAllBytes(out));
        assertTrue(Files.readString(out, StandardCharsets.UTF_8).startsWith("1,\"Ana \"\"la\"\" Pérez\",López0,"
                + "00001000,1970-01-10,7574\r\n1,\"Luis, Jr.\","));
        assertFalse(Files.exists(dir.resolve("export/bets.csv.partial")));
    }

    @Test
    void theCsvStoresExportIsItsWholeRows() throws Exception {
        // given: a CSV store whose last write was torn
        Path csv = dir.resolve("bets.csv");
        try (Ledger file = CsvLedger.open(csv, false, 1)) {
            file.store(List.of(batch(4, bets(4, 9), 0, 9)));
        }
        byte[] whole = Files.readAllBytes(csv);
        Files.write(csv, "4,\"torn".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        // when
        Path out = dir.resolve("out.csv");
        int status = export(dir.resolve("none.ini"), Map.of("STORAGE_FILEPATH", csv.toString()), "--out=" + out);

        // then
        assertEquals(0, status);
        assertArrayEquals(whole, Files.readAllBytes(out));
    }

    @Test
    void badArgumentsAndAnUnreadableStoreAreRefused() {
        Map<String, String> env = Map.of("STORAGE_FILEPATH", dir.resolve("missing.csv").toString());
        assertEquals(2, export(dir.resolve("none.ini"), env));
        assertEquals(2, export(dir.resolve("none.ini"), env, "--bogus"));
        assertEquals(1, export(dir.resolve("none.ini"), env, "--out",
                dir.resolve("o.csv").toString()));
        assertEquals(1, export(dir.resolve("none.ini"), Map.of("AGENCIES", "x"),
                "--out", dir.resolve("o.csv").toString()));
        assertFalse(Files.exists(dir.resolve("o.csv")));
        assertFalse(Files.exists(dir.resolve("o.csv.partial")));
    }
}
