package ar.loteria.agency;

import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The order in which an agency dials its centrals, the waits between attempts, and the retry budget. */
class CentralRotationTest {

    private static final long DELAY = Duration.ofSeconds(1).toNanos();
    private static final AgencyTuning TUNING = new AgencyTuning(4, Duration.ofSeconds(1), Duration.ofSeconds(30),
            Duration.ofSeconds(90), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(3));

    @Test
    void attemptsThatNothingAnswersAreRetriedForTheUnansweredBudgetUntilOneIsAnswered() throws AgencyConfigException {
        // given
        CentralRotation unresolvedOnly = new CentralRotation(config(1, "server:12345"), TUNING);
        CentralRotation thenRefused = new CentralRotation(config(1, "server:12345"), TUNING);

        // when: a name that does not resolve, every second from t = 0; the second rotation's name resolves at 10 s
        // and the central there refuses
        long lastUnresolvedOnly = 0;
        long t = 0;
        while (lastUnresolvedOnly >= 0) {
            lastUnresolvedOnly = unresolvedOnly.failed(t, true);
            t += DELAY;
        }
        long unresolvedGaveUpAt = t - DELAY;
        long lastThenRefused = 0;
        for (t = 0; lastThenRefused >= 0; t += DELAY) {
            lastThenRefused = thenRefused.failed(t, t < 10 * DELAY);
        }
        long refusedGaveUpAt = t - DELAY;

        // then: 90 s while only the name failed; the ordinary 30 s from the first failure once a refusal came
        assertEquals(90 * DELAY, unresolvedGaveUpAt);
        assertEquals(30 * DELAY, refusedGaveUpAt);
    }

    @Test
    void singleAddressIsRetriedEveryDelayUntilTheBudgetIsSpent() throws AgencyConfigException {
        // given
        CentralRotation rotation = new CentralRotation(config(7, "server:12345"), TUNING);

        // when: a failure every second from t = 0
        List<Long> delays = new ArrayList<>();
        long delay = 0;
        for (long t = 0; delay >= 0; t += DELAY) {
            delay = rotation.failed(t, false);
            delays.add(delay);
        }

        // then: 30 retries a second apart, then the 31st failure, at 30 s, gives up
        assertEquals(31, delays.size());
        assertEquals(List.of(DELAY), delays.subList(0, 30).stream().distinct().toList());
        assertEquals(-1, delays.get(30));
        assertEquals(0, rotation.entry());
        assertEquals(31, rotation.failedAttempts());
    }

    @Test
    void failuresMoveRoundTheListAndWaitOnlyBeforeANewRound() throws AgencyConfigException {
        // given: agency 2 of a list of three starts at the second entry
        CentralRotation rotation = new CentralRotation(config(2, "a:1,b:2,c:3"), TUNING);
        List<Integer> entries = new ArrayList<>(List.of(rotation.entry()));
        List<Long> delays = new ArrayList<>();

        // when
        for (int i = 0; i < 6; i++) {
            delays.add(rotation.failed(i, false));
            entries.add(rotation.entry());
        }

        // then
        assertEquals(List.of(1, 2, 0, 1, 2, 0, 1), entries);
        assertEquals(List.of(0L, 0L, DELAY, 0L, 0L, DELAY), delays);
    }

    @Test
    void aWelcomeRestartsTheBudgetAndADropMovesOnAfterTheDelay() throws AgencyConfigException {
        // given: 29 s of failures
        CentralRotation rotation = new CentralRotation(config(1, "a:1,b:2"), TUNING);
        rotation.failed(0, false);
        rotation.failed(29 * DELAY, false);

        // when: the central answers, then drops, and the next one fails long after the first failures
        rotation.welcomed();
        long afterDrop = rotation.dropped();
        int entryAfterDrop = rotation.entry();
        long afterLateFailure = rotation.failed(60 * DELAY, false);

        // then
        assertEquals(DELAY, afterDrop);
        assertEquals(1, entryAfterDrop);
        assertEquals(0, afterLateFailure);
        assertEquals(1, rotation.failedAttempts());
    }

    @Test
    void budgetRunsWhileNoEntryOfTheListAnswers() throws AgencyConfigException {
        // given
        CentralRotation rotation = new CentralRotation(config(1, "a:1,b:2"), TUNING);

        // when: both entries fail again and again for 30 s
        long beforeBudget = rotation.failed(0, false);
        for (long t = DELAY; t < 30 * DELAY; t += DELAY) {
            beforeBudget = Math.min(beforeBudget, rotation.failed(t, false));
        }
        long atBudget = rotation.failed(30 * DELAY, false);

        // then
        assertEquals(0, beforeBudget);
        assertEquals(-1, atBudget);
    }

    private static AgencyConfig config(long id, String address) throws AgencyConfigException {
        return AgencyConfigLoader.load(Path.of("no-such-config.yaml"), Map.of("CLI_ID", String.valueOf(id),
                "CLI_SERVER_ADDRESS", address));
    }
}
