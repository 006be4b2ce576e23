package ar.loteria.agency.generate;

import ar.loteria.agency.bets.TestBets;
import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BetFileGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void sameArgumentsGiveTheSameBytes() throws IOException {
        // given
        Path first = dir.resolve("a.csv");
        Path second = dir.resolve("b.csv");
        Path otherSeed = dir.resolve("c.csv");

        // when
        BetFileGenerator.writeAgencyFile(first, 3, 500, 4, 42, false);
        BetFileGenerator.writeAgencyFile(second, 3, 500, 4, 42, false);
        BetFileGenerator.writeAgencyFile(otherSeed, 3, 500, 4, 43, false);

        // then
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        assertFalse(Files.readString(first).equals(Files.readString(otherSeed)));
    }

    @Test
    void exactlyTheRequestedBetsCarryTheWinningNumber() throws Exception {
        // given
        Path file = dir.resolve("agency-1.csv");

        // when
        List<String> winners = BetFileGenerator.writeAgencyFile(file, 1, 3000, 13, 7, false);

        // then: the file reads back, and its 7574 bets are exactly the returned ones, in order
        List<Bet> bets = TestBets.readFile(file);
        assertEquals(3000, bets.size());
        assertEquals(winners, bets.stream().filter(bet -> bet.number() == 7574).map(Bet::document).toList());
        assertEquals(13, winners.size());
    }

    @Test
    void betsLookRealAndPassTheRules() throws Exception {
        // given
        Path file = dir.resolve("agency-2.csv");

        // when
        BetFileGenerator.writeAgencyFile(file, 2, 2000, 0, 1, false);

        // then: BetCsvReader checks every record with BetRules
        List<Bet> bets = TestBets.readFile(file);
        assertTrue(bets.stream().allMatch(bet -> bet.document().length() == 8));
        assertTrue(bets.stream().anyMatch(bet -> bet.document().startsWith("0")), "no leading zero");
        assertTrue(bets.stream().anyMatch(bet -> !bet.lastName().chars().allMatch(c -> c < 128)), "no accent");
        assertTrue(bets.stream().anyMatch(bet -> bet.firstName().contains(" ")), "no compound name");
        assertTrue(bets.stream().allMatch(bet -> bet.birthdate().compareTo("1940-01-01") >= 0
                && bet.birthdate().compareTo("2005-12-31") <= 0));
        assertTrue(bets.stream().noneMatch(bet -> bet.number() == 7574));
    }

    @Test
    void crlfOptionEndsEveryLineWithCrlf() throws IOException {
        // given
        Path lf = dir.resolve("lf.csv");
        Path crlf = dir.resolve("crlf.csv");

        // when
        BetFileGenerator.writeAgencyFile(lf, 1, 50, 1, 9, false);
        BetFileGenerator.writeAgencyFile(crlf, 1, 50, 1, 9, true);

        // then
        String lfText = Files.readString(lf, StandardCharsets.UTF_8);
        String crlfText = Files.readString(crlf, StandardCharsets.UTF_8);
        assertFalse(lfText.contains("\r"));
        assertEquals(50, crlfText.split("\r\n", -1).length - 1);
        assertEquals(lfText, crlfText.replace("\r\n", "\n"));
    }

    @Test
    void commandWritesOneFilePerAgency() throws Exception {
        // given
        Path out = dir.resolve("data");

        // when
        int code = BetFileGenerator.run(new String[] {"--out", out.toString(), "--agencies", "3", "--bets", "40",
            "--seed", "5", "--winners", "2", "--crlf"});

        // then
        assertEquals(0, code);
        for (int agency = 1; agency <= 3; agency++) {
            List<Bet> bets = TestBets.readFile(out.resolve("agency-" + agency + ".csv"));
            assertEquals(40, bets.size());
            assertEquals(2, bets.stream().filter(bet -> bet.number() == 7574).count());
        }
        assertFalse(Files.exists(out.resolve("agency-4.csv")));
    }

    @Test
    void commandAcceptsACountPerAgency() throws Exception {
        // given
        Path out = dir.resolve("data");

        // when
        int code = BetFileGenerator.run(new String[] {"--out=" + out, "--bets", "5,0,12", "--winners", "0"});

        // then
        assertEquals(0, code);
        assertEquals(5, TestBets.readFile(out.resolve("agency-1.csv")).size());
        assertEquals(0, TestBets.readFile(out.resolve("agency-2.csv")).size());
        assertEquals(12, TestBets.readFile(out.resolve("agency-3.csv")).size());
    }

    @Test
    void commandRefusesBadArguments() {
        // when / then
        assertEquals(1, BetFileGenerator.run(new String[] {"--agencies", "2"}));
        assertEquals(1, BetFileGenerator.run(new String[] {"--agencies", "2", "--bets", "x"}));
        assertEquals(1, BetFileGenerator.run(new String[] {"--agencies", "2", "--bets", "3", "--winners", "4"}));
        assertEquals(1, BetFileGenerator.run(new String[] {"--agencies", "2", "--bets", "3,4,5"}));
        assertEquals(1, BetFileGenerator.run(new String[] {"--agencies", "2", "--bets", "3", "--colour", "red"}));
    }
}
