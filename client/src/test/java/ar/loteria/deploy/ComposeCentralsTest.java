package ar.loteria.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code CENTRALS=C ./generar-compose.sh OUTPUT N}: the several-centrals topology (a {@code postgres} service,
 * centrals {@code server1..C} on its database, every agency told every central), read as YAML the way Docker
 * Compose reads it. Needs {@code bash}; no Docker engine.
 */
class ComposeCentralsTest {

    /** Surefire runs the client module's tests in {@code client/}. */
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private record Run(int exitCode, String stderr) {
    }

    private Run generate(String centrals, String agencies) throws Exception {
        return generate(centrals, agencies, Map.of());
    }

    private Run generate(String centrals, String agencies, Map<String, String> extra) throws Exception {
        Path output = tmp.resolve("compose.yaml");
        Path stderr = tmp.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", REPO_ROOT.resolve("generar-compose.sh").toString(),
                output.toString(), agencies).directory(REPO_ROOT.toFile()).redirectError(stderr.toFile());
        builder.environment().remove("STORE_DIR");
        builder.environment().remove("PG_HA");
        builder.environment().put("CENTRALS", centrals);
        builder.environment().putAll(extra);
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "generar-compose.sh still running");
        return new Run(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> services() throws Exception {
        Object yaml = new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(tmp.resolve("compose.yaml"), StandardCharsets.UTF_8));
        return (Map<String, Object>) ((Map<String, Object>) yaml).get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @Test
    void writesADatabaseCentralsOnItAndAgenciesThatKnowEveryCentral() throws Exception {
        // when
        Run run = generate("3", "5");

        // then: postgres, server1..3, client1..5, each container named as its service
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> services = services();
        Set<String> expected = new LinkedHashSet<>(List.of("postgres", "server1", "server2", "server3"));
        for (int id = 1; id <= 5; id++) {
            expected.add("client" + id);
        }
        assertEquals(expected, services.keySet());
        for (String name : expected) {
            assertEquals(name, map(services.get(name)).get("container_name"), name);
        }
        assertEquals("postgres:15", map(services.get("postgres")).get("image"));

        // and every central is told the lottery's size and the database, once it is healthy
        for (int c = 1; c <= 3; c++) {
            Map<String, Object> central = map(services.get("server" + c));
            assertEquals("server:latest", central.get("image"));
            Map<String, Object> env = map(central.get("environment"));
            assertEquals("5", env.get("AGENCIES"));
            assertEquals("jdbc:postgresql://postgres:5432/lottery", env.get("STORAGE_URL"));
            assertEquals("service_healthy", map(map(central.get("depends_on")).get("postgres")).get("condition"));
            assertEquals(List.of("./server/config.ini:/app/config.ini:ro"), central.get("volumes"));
        }

        // and every agency gets the same list (its id picks where it starts) and waits for every central
        for (int id = 1; id <= 5; id++) {
            Map<String, Object> agency = map(services.get("client" + id));
            Map<String, Object> env = map(agency.get("environment"));
            assertEquals(String.valueOf(id), env.get("CLI_ID"));
            assertEquals("server1:12345,server2:12345,server3:12345", env.get("CLI_SERVER_ADDRESS"));
            assertEquals(List.of("server1", "server2", "server3"), agency.get("depends_on"));
        }
    }

    @ParameterizedTest(name = "CENTRALS={0}")
    @ValueSource(strings = {"0", "101", "x", "-1", "1000"})
    void refusesACentralsCountOutOfRange(String centrals) throws Exception {
        Run run = generate(centrals, "2");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().contains("CENTRALS=1..100"), run.stderr());
        assertFalse(Files.exists(tmp.resolve("compose.yaml")));
    }

    @Test
    void withPgHaTheDatabaseIsAPairThatFailsOverAndEveryCentralNamesBothNodes() throws Exception {
        // when
        Run run = generate("2", "3", Map.of("PG_HA", "1"));

        // then: the monitor and two nodes of one image instead of postgres, each started once the one before serves
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> services = services();
        assertEquals(List.of("monitor", "postgres1", "postgres2", "server1", "server2", "client1", "client2",
                "client3"), new ArrayList<>(services.keySet()));
        assertEquals(List.of("monitor"), map(services.get("monitor")).get("command"));
        for (String node : List.of("postgres1", "postgres2")) {
            Map<String, Object> service = map(services.get(node));
            assertEquals("pg-ha:latest", service.get("image"));
            assertEquals(List.of("node"), service.get("command"));
            assertEquals(node, map(service.get("environment")).get("PG_HA_NAME"));
            assertEquals(List.of("CMD", "pg-ha-node", "health"), map(service.get("healthcheck")).get("test"));
        }
        assertEquals("service_healthy", map(map(map(services.get("postgres1")).get("depends_on")).get("monitor"))
                .get("condition"));
        assertEquals("postgres1", map(map(services.get("postgres2")).get("environment")).get("PG_HA_PRIMARY"));

        // and every central names both nodes, asks for the primary, and starts once the standby streams
        for (int c = 1; c <= 2; c++) {
            Map<String, Object> central = map(services.get("server" + c));
            assertEquals("jdbc:postgresql://postgres1:5432,postgres2:5432/lottery?targetServerType=primary"
                    + "&sslmode=disable", map(central.get("environment")).get("STORAGE_URL"));
            assertEquals("service_healthy", map(map(central.get("depends_on")).get("postgres2")).get("condition"));
        }
    }

    @ParameterizedTest(name = "PG_HA=1 CENTRALS={0}")
    @ValueSource(strings = {"", "0"})
    void refusesPgHaWithoutCentrals(String centrals) throws Exception {
        Path output = tmp.resolve("compose.yaml");
        ProcessBuilder builder = new ProcessBuilder("bash", REPO_ROOT.resolve("generar-compose.sh").toString(),
                output.toString(), "2").directory(REPO_ROOT.toFile()).redirectErrorStream(true);
        builder.environment().remove("STORE_DIR");
        builder.environment().put("CENTRALS", centrals);
        builder.environment().put("PG_HA", "1");
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), printed);
        assertFalse(Files.exists(output));
    }

    @Test
    void oneCentralIsTheTopologyOfOneWithItsDatabase() throws Exception {
        assertEquals(0, generate("1", "2").exitCode());
        List<String> names = new ArrayList<>(services().keySet());
        assertEquals(List.of("postgres", "server1", "client1", "client2"), names);
    }
}
