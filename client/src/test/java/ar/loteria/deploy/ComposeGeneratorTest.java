package ar.loteria.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs {@code generar-compose.sh} from the repository root and reads what it writes as YAML, the way
 * Docker Compose would. Needs {@code bash}; no Docker engine.
 */
class ComposeGeneratorTest {

    /** Surefire runs the client module's tests in {@code client/}. */
    private static final Path REPO_ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path GENERATOR = REPO_ROOT.resolve("generar-compose.sh");
    private static final Path DEV_COMPOSE = REPO_ROOT.resolve("docker-compose-dev.yaml");
    private static final String NETWORK = "testing_net";
    private static final String GRACE_PERIOD = "30s";
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} agencies")
    @ValueSource(ints = {0, 1, 5, 1000})
    void writesOneServerAndOneServicePerAgencyWithMatchingContainerNames(int agencies) throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of(), output.toString(), Integer.toString(agencies));

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> services = services(load(output));
        Set<String> expected = new LinkedHashSet<>();
        expected.add("server");
        for (int id = 1; id <= agencies; id++) {
            expected.add("client" + id);
        }
        assertEquals(expected, services.keySet());
        for (String name : expected) {
            assertEquals(name, map(services.get(name)).get("container_name"), name);
        }
    }

    @ParameterizedTest(name = "{0} agencies")
    @ValueSource(ints = {0, 1, 5, 1000})
    void tellsServerTheAgencyCountAndMountsOnlyItsConfigReadOnly(int agencies) throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of(), output.toString(), Integer.toString(agencies));

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> server = map(services(load(output)).get("server"));
        assertEquals("server:latest", server.get("image"));
        assertEquals(Map.of("AGENCIES", Integer.toString(agencies)), server.get("environment"));
        assertEquals(List.of("./server/config.ini:/app/config.ini:ro"), server.get("volumes"));
        assertEquals(List.of(NETWORK), server.get("networks"));
        assertEquals(GRACE_PERIOD, server.get("stop_grace_period"));
        assertFalse(server.containsKey("depends_on"));
        assertFalse(server.containsKey("ports"), "no host port by default, so `up` never fails on one in use");
    }

    @ParameterizedTest(name = "{0} agencies")
    @ValueSource(ints = {1, 5, 1000})
    void givesEachAgencyItsIdDataFileAndConfigAndNothingThatShadowsTheConfig(int agencies) throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of(), output.toString(), Integer.toString(agencies));

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> services = services(load(output));
        for (int id = 1; id <= agencies; id++) {
            Map<String, Object> client = map(services.get("client" + id));
            String dataFile = "/data/agency-" + id + ".csv";
            String dataMount = "./.data/agency-" + id + ".csv:" + dataFile + ":ro";
            assertEquals("client:latest", client.get("image"));
            assertEquals(Map.of("CLI_ID", Integer.toString(id), "CLI_DATA_FILE", dataFile), client.get("environment"));
            assertEquals(List.of("./client/config.yaml:/app/config.yaml:ro", dataMount), client.get("volumes"));
            assertEquals(List.of(NETWORK), client.get("networks"));
            assertEquals(List.of("server"), client.get("depends_on"));
            assertEquals(GRACE_PERIOD, client.get("stop_grace_period"));
        }
    }

    @ParameterizedTest(name = "{0} agencies")
    @ValueSource(ints = {0, 5})
    void declaresExactlyOneNetworkAndNoVolumes(int agencies) throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of(), output.toString(), Integer.toString(agencies));

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> compose = load(output);
        assertEquals(Set.of(NETWORK), map(compose.get("networks")).keySet());
        assertFalse(compose.containsKey("volumes"), "the store stays inside the server container by default");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badArguments")
    void rejectsBadArgumentsWithUsageAndExitCodeTwoWritingNothing(String description, List<String> arguments)
            throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");
        List<String> resolved = arguments.stream().map(a -> a.replace("OUT", output.toString())).toList();

        // when
        Run run = generate(Map.of(), resolved.toArray(String[]::new));

        // then
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("usage:"), run.stderr());
        assertFalse(Files.exists(output), "nothing may be written");
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of("no arguments", List.of()),
                Arguments.of("no agency count", List.of("OUT")),
                Arguments.of("not a number", List.of("OUT", "x")),
                Arguments.of("negative", List.of("OUT", "-1")),
                Arguments.of("extra argument", List.of("OUT", "3", "extra")));
    }

    @Test
    void committedDevComposeFileIsTheGeneratorOutputForFiveAgencies() throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of(), output.toString(), "5");

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        assertEquals(Files.readString(DEV_COMPOSE), Files.readString(output),
                "docker-compose-dev.yaml is stale: run `make compose`");
    }

    @Test
    void storeDirOptInMountsTheHostFolderAtAppStoreWithoutAddingEnvironment() throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of("STORE_DIR", "store"), output.toString(), "2");

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> server = map(services(load(output)).get("server"));
        assertEquals(List.of("./server/config.ini:/app/config.ini:ro", "./store:/app/store"), server.get("volumes"));
        assertEquals(Map.of("AGENCIES", "2"), server.get("environment"));
    }

    @Test
    void rejectsStoreDirThatWouldBreakTheVolumeEntry() throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of("STORE_DIR", "/srv/a:b"), output.toString(), "2");

        // then
        assertEquals(2, run.exitCode(), run.stderr());
        assertFalse(Files.exists(output), "nothing may be written");
    }

    @Test
    void statusHostPortOptInPublishesTheStatusPageOnTheHostsLoopback() throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of("STATUS_HOST_PORT", "8080"), output.toString(), "2");

        // then
        assertEquals(0, run.exitCode(), run.stderr());
        Map<String, Object> services = services(load(output));
        assertEquals(List.of("127.0.0.1:8080:8080"), map(services.get("server")).get("ports"));
        assertEquals(Map.of("AGENCIES", "2"), map(services.get("server")).get("environment"));
        assertFalse(map(services.get("client1")).containsKey("ports"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "80a", "-1", "127.0.0.1:8080"})
    void rejectsAStatusHostPortThatIsNotAPort(String port) throws Exception {
        // given
        Path output = tmp.resolve("compose.yaml");

        // when
        Run run = generate(Map.of("STATUS_HOST_PORT", port), output.toString(), "2");

        // then
        assertEquals(2, run.exitCode(), run.stderr());
        assertTrue(run.stderr().contains("STATUS_HOST_PORT"), run.stderr());
        assertFalse(Files.exists(output), "nothing may be written");
    }

    private record Run(int exitCode, String stderr) {
    }

    private static Run generate(Map<String, String> environment, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", GENERATOR.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(REPO_ROOT.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // The caller's shell may have STORE_DIR or STATUS_HOST_PORT set; each test decides them.
        builder.environment().remove("STORE_DIR");
        builder.environment().remove("STATUS_HOST_PORT");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("generar-compose.sh did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Run(process.exitValue(), stderr);
    }

    private static Map<String, Object> load(Path compose) throws IOException {
        Object document = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(compose));
        return map(document);
    }

    private static Map<String, Object> services(Map<String, Object> compose) {
        return map(compose.get("services"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        assertTrue(node instanceof Map, () -> "expected a YAML mapping, got " + node);
        return (Map<String, Object>) node;
    }
}
