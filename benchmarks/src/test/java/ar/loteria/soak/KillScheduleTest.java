package ar.loteria.soak;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KillScheduleTest {

    private static List<KillSchedule.Kill> plan(long seed) {
        KillSchedule schedule = new KillSchedule(seed, 100, 900, 4096, 30, 60);
        List<KillSchedule.Kill> kills = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            kills.add(schedule.next());
        }
        return kills;
    }

    @Test
    void theSameSeedGivesTheSamePlanWithinItsBounds() {
        // when
        List<KillSchedule.Kill> plan = plan(7);

        // then
        assertEquals(plan, plan(7));
        assertNotEquals(plan, plan(8));
        for (KillSchedule.Kill kill : plan) {
            assertTrue(kill.delay().toMillis() >= 100 && kill.delay().toMillis() <= 900, kill.toString());
            assertTrue(kill.growth() >= 1 && kill.growth() <= 4096, kill.toString());
        }
        long tears = plan.stream().filter(KillSchedule.Kill::tear).count();
        assertTrue(tears > 30 && tears < 90, "about 30 % of 200: " + tears);
        long early = plan.stream().filter(KillSchedule.Kill::early).count();
        assertTrue(early > 90 && early < 150, "about 60 % of 200: " + early);
    }

    @Test
    void aTornRowIsNeverAWholeRowAndSometimesEndsInsideQuotes() {
        // given
        KillSchedule schedule = new KillSchedule(3, 0, 0, 1, 100, 0);
        int insideQuotes = 0;
        for (int i = 0; i < 500; i++) {
            // when
            byte[] torn = schedule.tornRow(2);

            // then: read after a whole row, it is all tail
            byte[] store = ("1,a,b,1,2000-01-01,1\r\n" + new String(torn, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            CsvRows.Read read = CsvRows.read(store, 0, store.length, CsvRows.LineEnds.CRLF, 0);
            assertNull(read.problem());
            assertEquals(1, read.rows().size());
            assertTrue(torn.length >= 1 && torn[0] == '2');
            String text = new String(torn, StandardCharsets.UTF_8);
            insideQuotes += text.chars().filter(c -> c == '"').count() == 1 ? 1 : 0;
        }
        assertTrue(insideQuotes > 50, "cut inside an open quote: " + insideQuotes);
        assertArrayEquals(new KillSchedule(3, 0, 0, 1, 100, 0).tornRow(2),
                new KillSchedule(3, 0, 0, 1, 100, 0).tornRow(2));
    }
}
