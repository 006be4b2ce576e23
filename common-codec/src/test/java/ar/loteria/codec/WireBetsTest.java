package ar.loteria.codec;

import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Decoded bets stay wire bytes; everything read from them must match what the same bets as objects give. */
class WireBetsTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 27);
    /** Characters that test every rule: plain, blank-ish, control, CSV-special, accented, wide, surrogate pairs. */
    private static final String[] PIECES = {"a", "Z", "7", " ", "\t", "\r", "\n", "\r\n", "\u0000", "\u001F", "\u007F",
        ",", "\"", "é", "Ñ", "\u00A0", "\u2003", "\u3000", "\u0085", "€", "🎰", "'", "-", "."};
    private static final String[] DATES = {"1999-03-17", "2000-02-29", "2023-02-29", "2023-02-30", "1899-12-31",
        "1900-01-01", "2026-11-27", "2026-11-28", "1999/03/17", "99-03-17", "1999-3-17", "abcd-ef-gh", "",
        "1999-03-1é"};
    private static final String[] DOCUMENTS = {"30904465", "00000042", "1", "", "12345678901234567890",
        "123456789012345678901", "3090A465", " 123", "１２３"};

    private static String text(Random random, int maxPieces) {
        StringBuilder text = new StringBuilder();
        int pieces = random.nextInt(maxPieces + 1);
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    private static List<Bet> randomBets(long seed, int count) {
        Random random = new Random(seed);
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bets.add(new Bet(text(random, 6), text(random, 6), DOCUMENTS[random.nextInt(DOCUMENTS.length)],
                    DATES[random.nextInt(DATES.length)], random.nextInt(12_000)));
        }
        return bets;
    }

    @Test
    void decodedBetsEqualTheBetsSent() {
        List<Bet> bets = randomBets(1, 150);

        WireBets wire = WireBatches.decoded(bets);

        assertEquals(bets, wire);
        assertEquals(wire, bets);
        assertEquals(bets.hashCode(), wire.hashCode());
        assertEquals(bets.get(17), wire.get(17));
    }

    @Test
    void rulesOnWireBytesGiveExactlyTheVerdictOfTheRulesOnBets() {
        int valid = 0;
        for (long seed = 0; seed < 200; seed++) {
            // given: random bets, valid and invalid in every way the rules know
            List<Bet> bets = randomBets(seed, 100);

            // when
            WireBets wire = WireBatches.decoded(bets);

            // then
            for (int i = 0; i < bets.size(); i++) {
                String expected = BetRules.violation(bets.get(i), TODAY);
                assertEquals(expected, BetRules.violation(wire, i, TODAY),
                        "seed " + seed + ", bet " + i + ": " + bets.get(i));
                valid += expected == null ? 1 : 0;
            }
        }
        // the sample holds both kinds, so both paths of the wire rules were taken
        org.junit.jupiter.api.Assertions.assertTrue(valid > 500 && valid < 19_500, valid + " valid of 20,000");
    }

    @Test
    void copiesFieldsAsTheirUtf8() {
        List<Bet> bets = List.of(new Bet("Ñandú \"el\", 🎰", "x", "42", "2000-01-01", 1));
        WireBets wire = WireBatches.decoded(bets);
        byte[] out = new byte[64];

        int end = wire.copyDoubling(0, WireBets.FIRST_NAME, (byte) '"', out, 0);

        assertEquals("Ñandú \"\"el\"\", 🎰", new String(out, 0, end, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void recordsTheByteClassesOfEachField() {
        List<Bet> bets = List.of(new Bet("Ñandú \"el\", 🎰", "a\tb\r\n", "42", "   ", 1));
        WireBets wire = WireBatches.decoded(bets);

        assertEquals(WireBets.NON_ASCII | WireBets.VISIBLE_ASCII | WireBets.COMMA_OR_QUOTE | WireBets.NON_DIGIT,
                wire.classes(0, WireBets.FIRST_NAME));
        assertEquals(WireBets.CONTROL | WireBets.LINE_BREAK | WireBets.VISIBLE_ASCII | WireBets.NON_DIGIT,
                wire.classes(0, WireBets.LAST_NAME));
        assertEquals(WireBets.VISIBLE_ASCII, wire.classes(0, WireBets.DOCUMENT));
        assertEquals(WireBets.NON_DIGIT, wire.classes(0, WireBets.BIRTHDATE));
        assertEquals(3, wire.length(0, WireBets.BIRTHDATE));
        assertEquals(2, wire.length(0, WireBets.DOCUMENT));
    }
}
