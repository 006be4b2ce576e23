package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Bets for the agency's tests: made up in memory, or read back from a file as the agency reads it. */
public final class TestBets {

    private TestBets() {
    }

    /** {@code count} valid bets, numbered from {@code firstNumber}, with 8-digit documents from 00000000. */
    public static List<Bet> bets(int count, int firstNumber) {
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet("Ana " + i, "Núñez", "%08d".formatted(i), "1980-01-01", firstNumber + i));
        }
        return bets;
    }

    /** Every bet of {@code file}, read (and checked) by {@link BetCsvReader}. */
    public static List<Bet> readFile(Path file) throws IOException, BetFileException {
        List<Bet> bets = new ArrayList<>();
        try (BetCsvReader reader = BetCsvReader.open(file)) {
            for (Bet bet = reader.next(); bet != null; bet = reader.next()) {
                bets.add(bet);
            }
        }
        return bets;
    }
}
