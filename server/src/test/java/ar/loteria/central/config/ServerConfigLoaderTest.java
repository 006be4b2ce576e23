package ar.loteria.central.config;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigLoaderTest {

    private static final String COURSE_FILE = """
            [DEFAULT]
            SERVER_PORT = 12345
            SERVER_IP = server
            SERVER_LISTEN_BACKLOG = 5
            LOGGING_LEVEL = INFO
            """;

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("config.ini");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void missingFileMeansDefaults() throws ConfigException {
        ServerConfig config = ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of());

        assertEquals(12345, config.port());
        assertEquals("server", config.serverIp());
        assertEquals(5, config.listenBacklog());
        assertEquals("INFO", config.loggingLevel());
        assertEquals(5, config.agencies());
        assertEquals(Path.of("./bets.csv"), config.storagePath());
        assertEquals(10_000, config.maxConnections());
        assertEquals(Duration.ofSeconds(30), config.idleTimeout());
        assertEquals(Map.of(), config.agencyTokens());
        assertEquals(false, config.syncWrites());
        assertEquals(new StatusSettings(8080, "0.0.0.0", null), config.status());
        assertEquals(DatabaseSettings.NONE, config.database());
        assertEquals(CloseSettings.NONE, config.close());
        assertEquals(TransportSetting.AUTO, config.transport());
    }

    @ParameterizedTest
    @CsvSource({"auto,AUTO", "epoll,EPOLL", "IO_URING,IO_URING", "Nio,NIO"})
    void readsTheTransportInAnyCase(String value, TransportSetting expected) throws Exception {
        assertEquals(expected, ServerConfigLoader.load(write(COURSE_FILE + "SERVER_TRANSPORT = " + value + "\n"),
                Map.of()).transport());
        assertEquals(expected, ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("SERVER_TRANSPORT", value))
                .transport());
    }

    @Test
    void anUnknownTransportIsAnErrorNamingTheKeyAndTheChoices() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("SERVER_TRANSPORT", "kqueue")));
        assertEquals("SERVER_TRANSPORT must be auto, epoll, io_uring or nio, was 'kqueue'", error.getMessage());
    }

    @Test
    void readsTheCloseOfBettingAsAnInstantWithItsZoneAndSecondsAfterTheFirstFinish() throws Exception {
        ServerConfig config = ServerConfigLoader.load(write(COURSE_FILE
                + "DRAW_AT = 2026-12-24T21:00:00-03:00\nDRAW_AFTER_SECONDS = 600\n"), Map.of());
        ServerConfig zoned = ServerConfigLoader.load(dir.resolve("absent.ini"),
                Map.of("DRAW_AT", "2026-12-24T21:00:00-03:00[America/Argentina/Buenos_Aires]"));

        assertEquals(new CloseSettings(Instant.parse("2026-12-25T00:00:00Z"), Duration.ofMinutes(10)), config.close());
        assertEquals(new CloseSettings(Instant.parse("2026-12-25T00:00:00Z"), null), zoned.close());
    }

    @Test
    void readsTheOperatorsViewAndTheDatabaseSettings() throws Exception {
        ServerConfig config = ServerConfigLoader.load(write(COURSE_FILE + "STATUS_PORT = 9090\nSTATUS_BIND = 127.0.0.1\n"
                + "STORAGE_URL = jdbc:postgresql://db:5432/lottery\nSTORAGE_USER = lottery\n"), Map.of(
                "STATUS_TOKEN", "s3cret", "STORAGE_PASSWORD", "pw"));

        assertEquals(new StatusSettings(9090, "127.0.0.1", "s3cret"), config.status());
        assertEquals(new DatabaseSettings("jdbc:postgresql://db:5432/lottery", "lottery", "pw"), config.database());
        assertTrue(config.database().enabled());
        assertFalse(config.database().toString().contains("pw"), "the password never reaches a log line");
        assertFalse(ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("STATUS_PORT", "0")).status().enabled());
    }

    @ParameterizedTest
    @CsvSource({"true,true", "yes,true", "On,true", "1,true", "false,false",
        "no,false", "OFF,false", "0,false"})
    void readsStorageSyncAsConfigparserReadsABoolean(String value, boolean expected) throws Exception {
        assertEquals(expected, ServerConfigLoader.load(write(COURSE_FILE + "STORAGE_SYNC = " + value + "\n"),
                Map.of()).syncWrites());
        assertEquals(expected, ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("STORAGE_SYNC", value))
                .syncWrites());
    }

    @Test
    void aStorageSyncThatIsNotABooleanIsAnErrorNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.load(dir.resolve("absent.ini"), Map.of("STORAGE_SYNC", "sometimes")));
        assertTrue(error.getMessage().contains("STORAGE_SYNC"), error.getMessage());
    }

    @Test
    void readsTheCourseFile() throws Exception {
        ServerConfig config = ServerConfigLoader.load(write(COURSE_FILE.replace("12345", "23456")
                .replace("INFO", "DEBUG")), Map.of());

        assertEquals(23456, config.port());
        assertEquals("DEBUG", config.loggingLevel());
        assertEquals(Level.DEBUG, config.level());
    }

    @Test
    void readsExtraKeysCommentsColonsAndAnyCase() throws Exception {
        Path file = write("""
                # comment
                ; another
                [DEFAULT]
                agencies: 0
                Storage_FilePath = /tmp/x/bets.csv
                AGENCY_TOKENS = 1=uno, 2=dos
                IDLE_TIMEOUT_SECONDS=5
                """);

        ServerConfig config = ServerConfigLoader.load(file, Map.of());

        assertEquals(0, config.agencies());
        assertEquals(Path.of("/tmp/x/bets.csv"), config.storagePath());
        assertEquals(Map.of(1L, "uno", 2L, "dos"), config.agencyTokens());
        assertEquals(Duration.ofSeconds(5), config.idleTimeout());
    }

    @Test
    void environmentOverridesTheFile() throws Exception {
        ServerConfig config = ServerConfigLoader.load(write(COURSE_FILE), Map.of("SERVER_PORT", "4000",
                "AGENCIES", "50", "LOGGING_LEVEL", "WARNING", "STORAGE_FILEPATH", "other.csv"));

        assertEquals(4000, config.port());
        assertEquals(50, config.agencies());
        assertEquals(Level.WARN, config.level());
        assertEquals(Path.of("other.csv"), config.storagePath());
    }

    @Test
    void malformedValueNamesItsKey() throws Exception {
        Path file = write(COURSE_FILE.replace("= 5", "= five"));

        ConfigException error = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(file, Map.of()));

        assertTrue(error.getMessage().contains("SERVER_LISTEN_BACKLOG"), error.getMessage());
    }

    @Test
    void outOfRangeOrUnknownValuesNameTheirKeys() {
        assertMessageNames("SERVER_PORT", Map.of("SERVER_PORT", "70000"));
        assertMessageNames("AGENCIES", Map.of("AGENCIES", "-1"));
        assertMessageNames("LOGGING_LEVEL", Map.of("LOGGING_LEVEL", "LOUD"));
        assertMessageNames("AGENCY_TOKENS", Map.of("AGENCY_TOKENS", "one=x"));
        assertMessageNames("STORAGE_FILEPATH", Map.of("STORAGE_FILEPATH", " "));
        assertMessageNames("STATUS_PORT", Map.of("STATUS_PORT", "http"));
        assertMessageNames("STATUS_BIND", Map.of("STATUS_BIND", ""));
        assertMessageNames("STORAGE_URL", Map.of("STORAGE_URL", "postgres://db/lottery"));
        assertMessageNames("DRAW_AT", Map.of("DRAW_AT", "2026-12-24T21:00:00"));
        assertMessageNames("DRAW_AT", Map.of("DRAW_AT", "tomorrow"));
        assertMessageNames("DRAW_AFTER_SECONDS", Map.of("DRAW_AFTER_SECONDS", "0"));
        assertMessageNames("DRAW_AFTER_SECONDS", Map.of("DRAW_AFTER_SECONDS", "10m"));
    }

    @Test
    void lineThatIsNotKeyValueIsAnError() throws Exception {
        Path file = write("[DEFAULT]\nSERVER_PORT\n");

        ConfigException error = assertThrows(ConfigException.class, () -> ServerConfigLoader.load(file, Map.of()));

        assertTrue(error.getMessage().contains("line 2"), error.getMessage());
    }

    private void assertMessageNames(String key, Map<String, String> env) {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ServerConfigLoader.load(dir.resolve("absent.ini"), env));
        assertTrue(error.getMessage().contains(key), error.getMessage());
    }
}
