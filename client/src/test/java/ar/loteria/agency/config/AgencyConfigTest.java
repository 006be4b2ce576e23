package ar.loteria.agency.config;

import ar.loteria.agency.AgencyLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgencyConfigTest {

    @TempDir
    Path dir;

    @Test
    void usesDefaultsWhenTheFileIsMissing() throws AgencyConfigException {
        // given
        Path missing = dir.resolve("config.yaml");

        // when
        AgencyConfig config = AgencyConfigLoader.load(missing, Map.of("CLI_ID", "3"));

        // then
        assertEquals(3, config.agencyId());
        assertEquals("server:12345", config.serverAddress());
        assertEquals(List.of(new CentralAddress("server:12345", "server", 12345)), config.centrals());
        assertEquals(5, config.loopAmount());
        assertEquals("5s", config.loopPeriod());
        assertEquals("INFO", config.logLevel());
        assertEquals(10, config.batchMaxAmount());
        assertEquals(Path.of("./.data/agency-3.csv"), config.dataFile());
        assertEquals("", config.token());
        assertEquals(Optional.empty(), config.singleBet());
        assertEquals(Duration.ofSeconds(5), config.answerTimeout());
    }

    /** A config.yaml that sets every key. */
    private static final String EVERY_KEY = """
            id: 7
            server:
              address: "central:4000"
            loop:
              amount: 9
              period: "100ms"
            log:
              level: "DEBUG"
            batch:
              maxAmount: 120
            auth:
              token: "s3cret"
            """;

    @ParameterizedTest
    @CsvSource({"5s, 5000", "300ms, 300", "1m30s, 90000", "1.5s, 1500", "0, 0", "1h, 3600000"})
    void answerTimeoutIsADurationFromTheFileOrTheEnvironment(String value, long millis) throws Exception {
        // given
        Path file = write("server:\n  address: \"central:4000\"\n  answerTimeout: \"" + value + "\"\n");

        // when
        AgencyConfig fromFile = AgencyConfigLoader.load(file, Map.of("CLI_ID", "1"));
        AgencyConfig fromEnvironment = AgencyConfigLoader.load(dir.resolve("none.yaml"),
                Map.of("CLI_ID", "1", "CLI_SERVER_ANSWERTIMEOUT", value));

        // then
        assertEquals(Duration.ofMillis(millis), fromFile.answerTimeout());
        assertEquals(Duration.ofMillis(millis), fromEnvironment.answerTimeout());
        assertEquals("central:4000", fromFile.serverAddress());
    }

    @Test
    void readsEveryValueFromTheFile() throws IOException, AgencyConfigException {
        // given
        Path file = write(EVERY_KEY);

        // when
        AgencyConfig config = AgencyConfigLoader.load(file, Map.of());

        // then
        assertEquals(7, config.agencyId());
        assertEquals("central:4000", config.serverAddress());
        assertEquals(List.of(new CentralAddress("central:4000", "central", 4000)), config.centrals());
        assertEquals(9, config.loopAmount());
        assertEquals("100ms", config.loopPeriod());
        assertEquals("DEBUG", config.logLevel());
        assertEquals(120, config.batchMaxAmount());
        assertEquals("s3cret", config.token());
    }

    @Test
    void environmentOverridesEveryKey() throws IOException, AgencyConfigException {
        // given
        Path file = write(EVERY_KEY);
        Map<String, String> env = Map.of("CLI_ID", "2", "CLI_SERVER_ADDRESS", "127.0.0.1:5555",
                "CLI_LOOP_AMOUNT", "1", "CLI_LOOP_PERIOD", "2m", "CLI_LOG_LEVEL", "WARNING",
                "CLI_BATCH_MAXAMOUNT", "50", "CLI_DATA_FILE", "/data/bets.csv", "CLI_TOKEN", "other");

        // when
        AgencyConfig config = AgencyConfigLoader.load(file, env);

        // then
        assertEquals(2, config.agencyId());
        assertEquals("127.0.0.1:5555", config.serverAddress());
        assertEquals(List.of(new CentralAddress("127.0.0.1:5555", "127.0.0.1", 5555)), config.centrals());
        assertEquals(1, config.loopAmount());
        assertEquals("2m", config.loopPeriod());
        assertEquals("WARNING", config.logLevel());
        assertEquals(50, config.batchMaxAmount());
        assertEquals(Path.of("/data/bets.csv"), config.dataFile());
        assertEquals("other", config.token());
    }

    @Test
    void emptyVariablesCountAsUnset() throws IOException, AgencyConfigException {
        // given
        Path file = write("batch:\n  maxAmount: 30\n");

        // when
        AgencyConfig config = AgencyConfigLoader.load(file, Map.of("CLI_ID", "1", "CLI_BATCH_MAXAMOUNT", ""));

        // then
        assertEquals(30, config.batchMaxAmount());
    }

    @Test
    void missingIdIsAnErrorNamingCliId() {
        // when
        AgencyConfigException error = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(dir.resolve("none.yaml"), Map.of()));

        // then
        assertEquals("CLI_ID", error.key());
        assertTrue(error.getMessage().contains("CLI_ID"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
        "CLI_ID, 0",
        "CLI_ID, abc",
        "CLI_BATCH_MAXAMOUNT, 0",
        "CLI_BATCH_MAXAMOUNT, abc",
        "CLI_BATCH_MAXAMOUNT, 65536",
        "CLI_SERVER_ADDRESS, server",
        "CLI_SERVER_ADDRESS, server:",
        "CLI_SERVER_ADDRESS, :12345",
        "CLI_SERVER_ADDRESS, server:99999",
        "CLI_SERVER_ADDRESS, server:port",
        "CLI_SERVER_ADDRESS, 'server:1,'",
        "CLI_SERVER_ADDRESS, 'server:1,,server:2'",
        "CLI_SERVER_ADDRESS, 'server:1,other'",
        "CLI_SERVER_ADDRESS, 'server:1,other:0'",
        "CLI_LOOP_AMOUNT, -1",
        "CLI_LOOP_PERIOD, soon",
        "CLI_LOOP_PERIOD, 5",
        "CLI_LOG_LEVEL, LOUD",
        "CLI_SERVER_ANSWERTIMEOUT, soon",
        "CLI_SERVER_ANSWERTIMEOUT, 5",
        "CLI_SERVER_ANSWERTIMEOUT, -5s",
        "CLI_SERVER_ANSWERTIMEOUT, 50ms",
        "CLI_SERVER_ANSWERTIMEOUT, 2h",
    })
    void badVariableIsAnErrorNamingIt(String variable, String value) {
        // given
        Map<String, String> env = new HashMap<>(Map.of("CLI_ID", "1"));
        env.put(variable, value);

        // when
        AgencyConfigException error = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(dir.resolve("none.yaml"), env));

        // then
        assertEquals(variable, error.key());
        assertTrue(error.getMessage().contains(value), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "batch:\\n  maxAmount: 0\\n | batch.maxAmount",
        "batch:\\n  maxAmount: abc\\n | batch.maxAmount",
        "server:\\n  address: \"nohost\"\\n | server.address",
        "loop:\\n  period: \"fast\"\\n | loop.period",
        "server:\\n  answerTimeout: \"5 s\"\\n | server.answerTimeout",
        "id: -4\\n | id",
    })
    void badFileValueIsAnErrorNamingItsKey(String yaml, String key) throws IOException {
        // given
        Path file = write(yaml.replace("\\n", "\n"));

        // when
        AgencyConfigException error = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(file, idUnlessTested(key)));

        // then
        assertEquals(key, error.key());
    }

    @Test
    void malformedYamlIsAnErrorNamingTheFile() throws IOException {
        // given
        Path file = write("server: [unclosed\n");

        // when
        AgencyConfigException error = assertThrows(AgencyConfigException.class,
                () -> AgencyConfigLoader.load(file, Map.of()));

        // then
        assertEquals(file.toString(), error.key());
    }

    @Test
    void configLinePrintsEachValueAsWritten() throws IOException, AgencyConfigException {
        // given
        Path file = write("""
                server:
                  address: "server:12345"
                loop:
                  amount: 5
                  period: "100ms"
                log:
                  level: "INFO"
                batch:
                  maxAmount: 10
                """);

        // when
        String line = AgencyLog.configLoaded(AgencyConfigLoader.load(file, Map.of("CLI_ID", "4"))).toString();

        // then
        assertEquals("action: config | result: success | client_id: 4 | server_address: server:12345 | "
                + "loop_amount: 5 | loop_period: 100ms | log_level: INFO | batch_max_amount: 10", line);
    }

    @Test
    void serverAddressMayListSeveralCentrals() throws IOException, AgencyConfigException {
        // given
        Path file = write("server:\n  address: \"central1:12345, central2:12346 ,[::1]:7000\"\n");

        // when
        AgencyConfig config = AgencyConfigLoader.load(file, Map.of("CLI_ID", "4"));

        // then: each entry is dialled as written, and the config line prints the value as configured
        assertEquals(List.of(new CentralAddress("central1:12345", "central1", 12345),
                new CentralAddress("central2:12346", "central2", 12346),
                new CentralAddress("[::1]:7000", "::1", 7000)), config.centrals());
        assertEquals("action: config | result: success | client_id: 4 | server_address: central1:12345, "
                + "central2:12346 ,[::1]:7000 | loop_amount: 5 | loop_period: 5s | log_level: INFO | "
                + "batch_max_amount: 10", AgencyLog.configLoaded(config).toString());
    }

    @ParameterizedTest
    @CsvSource({"1, 1, 0", "5, 1, 0", "1, 3, 0", "2, 3, 1", "3, 3, 2", "4, 3, 0", "4294967295, 2, 0"})
    void agencyStartsAtEntryIdMinusOneModuloTheListSize(long id, int centrals, int expected)
            throws AgencyConfigException {
        // given
        List<String> addresses = new ArrayList<>();
        for (int i = 1; i <= centrals; i++) {
            addresses.add("central" + i + ":12345");
        }

        // when
        AgencyConfig config = AgencyConfigLoader.load(dir.resolve("none.yaml"), Map.of("CLI_ID", String.valueOf(id),
                "CLI_SERVER_ADDRESS", String.join(",", addresses)));

        // then
        assertEquals(expected, config.startEntry());
    }

    private Map<String, String> idUnlessTested(String key) {
        return key.equals("id") ? Map.of() : Map.of("CLI_ID", "1");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
