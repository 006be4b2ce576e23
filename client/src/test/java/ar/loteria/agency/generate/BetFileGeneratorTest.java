package ar.loteria.agency.generate;

import ar.loteria.agency.bets.TestBets;
import ar.loteria.codec.Bet;
import ar.loteria.codec.WinningRule;
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
        assertEquals(winners, bets.stream().filter(bet -> WinningRule.wins(bet.number())).map(Bet::document).toList());
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
        assertTrue(bets.stream().noneMatch(bet -> WinningRule.wins(bet.number())));
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
}
