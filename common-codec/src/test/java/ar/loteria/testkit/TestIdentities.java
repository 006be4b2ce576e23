package ar.loteria.testkit;

import ar.loteria.testkit.TestCertificates.Identity;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Throwaway TLS identities for one test class, as a JUnit extension on a static field:
 * {@code @RegisterExtension static final TestIdentities IDENTITIES = TestIdentities.of("central", "stranger");}.
 * Before the class's first test each is made with {@link TestCertificates#generate} in a directory of its own,
 * deleted after the last. Test threads only.
 */
public final class TestIdentities implements BeforeAllCallback, AfterAllCallback {

    /** Name to subject alternative names, in the order given. */
    private final Map<String, String> wanted = new LinkedHashMap<>();
    private final Map<String, Identity> made = new HashMap<>();
    private Path dir;

    private TestIdentities() {
    }

    /** Identities with these names, each for {@code server}, {@code localhost} and {@code 127.0.0.1}. */
    public static TestIdentities of(String... names) {
        TestIdentities identities = new TestIdentities();
        for (String name : names) {
            identities.wanted.put(name, TestCertificates.DEFAULT_NAMES);
        }
        return identities;
    }

    /** One more identity, for the names in {@code subjectAltNames} ({@code dns:NAME,ip:ADDRESS,...}) only. */
    public TestIdentities with(String name, String subjectAltNames) {
        wanted.put(name, subjectAltNames);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("identities");
        for (Map.Entry<String, String> identity : wanted.entrySet()) {
            made.put(identity.getKey(), TestCertificates.generate(dir, identity.getKey(), identity.getValue()));
        }
    }

    /** The identity made under {@code name}. */
    public Identity get(String name) {
        Identity identity = made.get(name);
        if (identity == null) {
            throw new IllegalArgumentException("no identity " + name + " (made: " + made.keySet() + ")");
        }
        return identity;
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
