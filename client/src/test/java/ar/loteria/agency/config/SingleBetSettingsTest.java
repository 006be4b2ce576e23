package ar.loteria.agency.config;

import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single-bet mode: the five variables that make one bet, and the error that names a missing or bad one. */
class SingleBetSettingsTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

    @TempDir
    Path dir;

    @Test
    void fiveBetVariablesSelectSingleBetMode() throws AgencyConfigException {
        // given
        Map<String, String> env = Map.of("CLI_ID", "1", "NOMBRE", "Santiago Lionel", "APELLIDO", "Lorca",
                "DOCUMENTO", "00000042", "NACIMIENTO", "1999-03-17", "NUMERO", "7574");

        // when
        AgencyConfig config = AgencyConfigLoader.load(dir.resolve("none.yaml"), env);

        // then
        assertEquals(Optional.of(new Bet("Santiago Lionel", "Lorca", "00000042", "1999-03-17", 7574)),
                config.singleBet());
    }

    @Test
    void partialOrBadSingleBetIsAnErrorNamingTheVariable() {
        // given
        Map<String, String> partial = Map.of("CLI_ID", "1", "NOMBRE", "Ana", "APELLIDO", "Paz");
        Map<String, String> badDate = Map.of("CLI_ID", "1", "NOMBRE", "Ana", "APELLIDO", "Paz",
                "DOCUMENTO", "123", "NACIMIENTO", "1999-02-30", "NUMERO", "12");

        // when
        AgencyConfigException missing = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(dir.resolve("none.yaml"), partial));
        AgencyConfigException invalid = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(dir.resolve("none.yaml"), badDate));

        // then
        assertEquals("DOCUMENTO", missing.key());
        assertEquals("NACIMIENTO", invalid.key());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "NOMBRE     | 'An\u0001a'  | U+0001",
        "APELLIDO   | 'Pa\u007Fz'  | U+007F",
        "DOCUMENTO  | 12a3         | non-digit",
        "DOCUMENTO  | 123456789012345678901 | digits",
        "NACIMIENTO | 17-03-1999   | YYYY-MM-DD",
        "NACIMIENTO | 2026-11-28   | outside",
        "NUMERO     | 10000        | outside 0..9999",
        "NUMERO     | -1           | outside 0..9999",
        "NUMERO     | siete        | not an integer",
    })
    void badVariableIsAnErrorNamingIt(String variable, String value, String why) {
        // given: a valid bet but for one variable
        Map<String, String> env = new HashMap<>(Map.of("NOMBRE", "Ana", "APELLIDO", "Paz", "DOCUMENTO", "00000042",
                "NACIMIENTO", "1999-03-17", "NUMERO", "7574"));
        env.put(variable, value);

        // when
        AgencyConfigException error = assertThrows(AgencyConfigException.class,
                () -> SingleBetSettings.read(env, TODAY));

        // then
        assertEquals(variable, error.key());
        assertTrue(error.getMessage().contains(why), error.getMessage());
    }

    @Test
    void noBetVariableMeansNoSingleBet() throws AgencyConfigException {
        assertEquals(Optional.empty(), SingleBetSettings.read(Map.of("CLI_ID", "1"), TODAY));
    }
}
