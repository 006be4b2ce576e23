package ar.loteria.central.ledger.csv;

import ar.loteria.codec.Bet;
import ar.loteria.testkit.WireBatches;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RenderedRowsTest {

    private static final String[] PIECES = {"a", "Z", " ", ",", "\"", "\r", "\n", "\r\n", "é", "Ñ", "€", "🎰", "'"};

    @Test
    void rowsRenderedFromWireBytesEqualRowsRenderedFromBets() {
        Random random = new Random(3);
        for (int round = 0; round < 300; round++) {
            // given: bets with every character that changes a CSV field
            List<Bet> bets = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                bets.add(new Bet(text(random), text(random), String.valueOf(random.nextInt(100_000_000)),
                        "1980-01-0" + (1 + random.nextInt(9)), random.nextInt(10_000)));
            }
            long agency = 1 + random.nextInt(3_000);

            // when
            byte[] fromWire = RenderedRows.render(agency, WireBatches.decoded(bets)).bytes();
            byte[] fromBets = RenderedRows.render(agency, bets).bytes();

            // then
            assertArrayEquals(fromBets, fromWire, "round " + round);
        }
    }

    @Test
    void writesEveryNumberAndAgencyAsItsPlainDecimal() {
        // given: every bet number, and agencies at each digit count and at the edges of int and u32
        List<Bet> bets = new ArrayList<>();
        for (int number = 0; number <= 9_999; number++) {
            bets.add(new Bet("a", "b", "1", "2000-01-01", number));
        }
        for (long agency : new long[] {0, 1, 9, 10, 99, 100, 9_999, 10_000, 43_699, 99_999, Integer.MAX_VALUE,
                Integer.MAX_VALUE + 1L, 4_294_967_295L}) {
            StringBuilder expected = new StringBuilder();
            for (Bet bet : bets) {
                expected.append(agency).append(",a,b,1,2000-01-01,").append(bet.number()).append("\r\n");
            }

            // when
            for (List<Bet> rendered : List.of(bets, WireBatches.decoded(bets.subList(0, 200)))) {
                String rows = new String(RenderedRows.render(agency, rendered).bytes(), StandardCharsets.US_ASCII);

                // then
                assertEquals(expected.substring(0, rows.length()), rows, "agency " + agency);
                assertEquals(rendered.size(), rows.split("\r\n").length);
            }
        }
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }
}
