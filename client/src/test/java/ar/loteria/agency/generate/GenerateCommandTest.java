package ar.loteria.agency.generate;

import ar.loteria.agency.bets.TestBets;
import ar.loteria.codec.Bet;
import ar.loteria.codec.WinningRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code generate} command line: its options, its help, its exit codes and the bytes it writes. */
class GenerateCommandTest {

    @TempDir
    Path dir;

    @Test
    void commandWritesOneFilePerAgency() throws Exception {
        // given
        Path out = dir.resolve("data");

        // when
        int code = GenerateCommand.run(new String[] {"--out", out.toString(), "--agencies", "3", "--bets", "40",
            "--seed", "5", "--winners", "2", "--crlf"});

        // then
        assertEquals(0, code);
        for (int agency = 1; agency <= 3; agency++) {
            List<Bet> bets = TestBets.readFile(out.resolve("agency-" + agency + ".csv"));
            assertEquals(40, bets.size());
            assertEquals(2, bets.stream().filter(bet -> WinningRule.wins(bet.number())).count());
        }
        assertFalse(Files.exists(out.resolve("agency-4.csv")));
    }

    @Test
    void commandAcceptsACountPerAgency() throws Exception {
        // given
        Path out = dir.resolve("data");

        // when
        int code = GenerateCommand.run(new String[] {"--out=" + out, "--bets", "5,0,12", "--winners", "0"});

        // then
        assertEquals(0, code);
        assertEquals(5, TestBets.readFile(out.resolve("agency-1.csv")).size());
        assertEquals(0, TestBets.readFile(out.resolve("agency-2.csv")).size());
        assertEquals(12, TestBets.readFile(out.resolve("agency-3.csv")).size());
    }

    @Test
    void commandRefusesBadArguments() {
        // when / then
        assertEquals(1, GenerateCommand.run(new String[] {"--agencies", "2"}));
        assertEquals(1, GenerateCommand.run(new String[] {"--agencies", "2", "--bets", "x"}));
        assertEquals(1, GenerateCommand.run(new String[] {"--agencies", "2", "--bets", "3", "--winners", "4"}));
        assertEquals(1, GenerateCommand.run(new String[] {"--agencies", "2", "--bets", "3,4,5"}));
        assertEquals(1, GenerateCommand.run(new String[] {"--agencies", "2", "--bets", "3", "--colour", "red"}));
    }

    /**
     * The SHA-256 of each file, as written by the hand-parsed command before it moved to picocli (commit b3ad1d4,
     * {@code lottery-client.jar generate ...} with these arguments): the same arguments keep giving the same bytes.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--agencies 3 --bets 40 --seed 5 --winners 2 --crlf |"
            + " 5860c7baeaf2dea04a11271273d16fe458994cdfb8f600f9d2331c212c1c45ed"
            + " 4abd7e5e57394473965deae1dec9a14918532489c411661aa1d15f893613eda2"
            + " 2ba1b35140c9bad9e352547b203607ea668a9f6834c13ead6862076bdcd7ce37",
        "--bets 5,0,12 --winners 0 |"
            + " 94643c906029c16793ce6313dd318f608ef8bc492f4981ad96ab7cdbb5c72278"
            + " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            + " 9dbfab6a85ace0892273193a62a8f43729c7361909ee665e30b6e8c1f192c003",
        "--agencies 2 --bets 4500 |"
            + " d6bb0f63012dbfa0c2bc85d1149984cb19eaf10d2f6c220a2bd77dd1e2efdffa"
            + " 169af92da40003f8561f233419fec586af7703c37406e91c98c3eeb0bf97467b",
    })
    void writesTheSameBytesAsBeforePicocli(String arguments, String digests) throws Exception {
        // given
        Path out = dir.resolve("data");
        List<String> args = new ArrayList<>(List.of("--out", out.toString()));
        args.addAll(List.of(arguments.split(" ")));

        // when
        int code = GenerateCommand.run(args.toArray(String[]::new));

        // then
        assertEquals(0, code);
        List<String> expected = List.of(digests.trim().split(" "));
        List<String> actual = new ArrayList<>();
        for (int agency = 1; agency <= expected.size(); agency++) {
            actual.add(sha256(out.resolve("agency-" + agency + ".csv")));
        }
        assertEquals(expected, actual);
        assertFalse(Files.exists(out.resolve("agency-" + (expected.size() + 1) + ".csv")));
    }

    @Test
    void helpListsEveryOptionAndWritesNothing() {
        // given
        StringWriter help = new StringWriter();
        Path out = dir.resolve("data");

        // when
        int code = GenerateCommand.run(new String[] {"--out", out.toString(), "--agencies", "1", "--bets", "3",
            "--help"}, new PrintWriter(help, true));

        // then
        assertEquals(0, code);
        for (String option : List.of("--out", "--agencies", "--bets", "--bets-per-agency", "--seed", "--winners",
                "--crlf", "--help")) {
            assertTrue(help.toString().contains(option), option + " missing from:\n" + help);
        }
        assertFalse(Files.exists(out));
    }

    @Test
    void repeatedOptionTakesItsLastValue() throws Exception {
        // given
        Path out = dir.resolve("data");

        // when
        int code = GenerateCommand.run(new String[] {"--out", out.toString(), "--agencies", "5", "--agencies", "2",
            "--bets", "3", "--winners", "1"});

        // then
        assertEquals(0, code);
        assertTrue(Files.exists(out.resolve("agency-2.csv")));
        assertFalse(Files.exists(out.resolve("agency-3.csv")));
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
