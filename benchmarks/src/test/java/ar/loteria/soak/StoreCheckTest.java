package ar.loteria.soak;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreCheckTest {

    /** Agency 1's bets file, with a name that the store must quote; agency 2's. */
    private static final String INPUT_1 = "Ana,Díaz,00000042,1999-03-17,7574\r\n"
            + "\"Paz, Luis\",Gómez,1,1985-12-01,0201\r\nEva,Ruiz,7,2000-02-29,7574\r\n";
    private static final String INPUT_2 = "Juan,Sosa,12345678,1970-01-01,3\n";
    private static final String ROW_1A = "1,Ana,Díaz,00000042,1999-03-17,7574\r\n";
    private static final String ROW_1B = "1,\"Paz, Luis\",Gómez,1,1985-12-01,201\r\n";
    private static final String ROW_1C = "1,Eva,Ruiz,7,2000-02-29,7574\r\n";
    private static final String ROW_2A = "2,Juan,Sosa,12345678,1970-01-01,3\r\n";

    @TempDir
    Path dir;
    private Path store;
    private AgencyInputs inputs;

    @BeforeEach
    void inputs() throws IOException {
        Files.writeString(dir.resolve("agency-1.csv"), INPUT_1, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("agency-2.csv"), INPUT_2, StandardCharsets.UTF_8);
        inputs = AgencyInputs.read(dir, 2);
        store = dir.resolve("bets.csv");
    }

    private void append(String text) throws IOException {
        Files.writeString(store, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void inputsKnowTheirWinnersAndTheBytesOfTheCompleteStore() {
        assertEquals(2, inputs.winners(1));
        assertEquals(0, inputs.winners(2));
        assertEquals((ROW_1A + ROW_1B + ROW_1C + ROW_2A).getBytes(StandardCharsets.UTF_8).length,
                inputs.storeBytes());
    }

    @Test
    void scansOnlyWhatWasAddedAndCountsEachAgencysPrefixAndTheTornTail() throws IOException {
        // given: no store yet
        StoreCheck check = new StoreCheck(store, inputs);
        assertEquals(0, check.scan().total());

        // when: two whole rows and half a third
        append(ROW_1A + ROW_2A + "1,\"Paz, Lu");
        StoreCheck.Scan first = check.scan();
        // and the torn bytes are cut, as a restarted central does, and the rest follows
        Files.write(store, (ROW_1A + ROW_2A).getBytes(StandardCharsets.UTF_8));
        append(ROW_1B + ROW_1C);
        StoreCheck.Scan second = check.scan();

        // then
        assertNull(first.problem());
        assertArrayEquals(new long[] {1, 1}, first.rows());
        assertEquals("1,\"Paz, Lu".length(), first.tailBytes());
        assertNull(second.problem());
        assertArrayEquals(new long[] {3, 1}, second.rows());
        assertEquals(0, second.tailBytes());
        assertNull(StoreCheck.complete(store, inputs));
    }

    @Test
    void aBetStoredTwiceIsFoundWhereItHappens() throws IOException {
        // given
        append(ROW_1A + ROW_2A + ROW_1A);

        // when
        StoreCheck.Scan scan = new StoreCheck(store, inputs).scan();

        // then
        assertEquals("store row 3: agency 1's bet #2 should be line 2 of agency-1.csv, [Paz, Luis,Gómez,1,"
                + "1985-12-01,201], but the store has [Ana,Díaz,00000042,1999-03-17,7574] (a bet lost, stored "
                + "twice or out of order)", scan.problem());
    }

    @Test
    void aBetBeyondTheInputOrOfAnUnknownAgencyIsAProblem() throws IOException {
        append(ROW_2A + ROW_2A);
        assertTrue(new StoreCheck(store, inputs).scan().problem()
                .startsWith("store row 2: agency 2's bet #2, but its input has only 1 bets (a bet stored twice)"));
        Files.writeString(store, "3,Juan,Sosa,12345678,1970-01-01,3\r\n");
        assertEquals("store row 1: names agency 3, not one of 1..2", new StoreCheck(store, inputs).scan().problem());
    }

    @Test
    void aStoreThatLosesWholeRowsOrDoesNotReadBackIsAProblem() throws IOException {
        // given
        append(ROW_1A + ROW_2A);
        StoreCheck check = new StoreCheck(store, inputs);
        check.scan();

        // when: a whole row disappears
        Files.write(store, ROW_1A.getBytes(StandardCharsets.UTF_8));

        // then
        String problem = check.scan().problem();
        assertTrue(problem.startsWith("the store shrank to 38 bytes, below the 73 bytes of whole rows"), problem);
        Files.writeString(store, ROW_1A + "1,Ana,Díaz\n", StandardCharsets.UTF_8);
        assertTrue(new StoreCheck(store, inputs).scan().problem()
                .startsWith("store row 2 does not read back as CSV: a line ending in LF without CR at byte 49"));
    }

    @Test
    void theCompleteStoreHoldsEveryBetAndEndsOnAWholeRow() throws IOException {
        append(ROW_1A + ROW_1B + ROW_1C);
        assertEquals("the store holds 0 bets of agency 2, its input 1", StoreCheck.complete(store, inputs));
        append(ROW_2A + "2");
        assertEquals("the store ends with 1 bytes of a torn row", StoreCheck.complete(store, inputs));
    }
}
