package ar.loteria.central;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server's packages by role, checked on its compiled classes: no package depends back on one that depends on it;
 * the Netty side, the ledger contract and the operator's view see no store (only {@code cli}, which picks one, does);
 * neither store sees the other; the log catalogue is a leaf. And no two main classes of the repository share a
 * simple name.
 */
class PackageRulesTest {

    private static final String ROOT = "ar.loteria.central";
    private static final String CSV = "ar.loteria.central.ledger.csv..";
    private static final String POSTGRES = "ar.loteria.central.ledger.postgres..";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    /** Each package of the server is a slice of its own, the root package included. */
    private static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            return pkg.equals(ROOT) || pkg.startsWith(ROOT + ".") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the server's packages";
        }
    };

    @Test
    void noPackageDependsBackOnOneThatDependsOnIt() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheCommandLineSeesAStore() {
        noClasses().that().resideOutsideOfPackages(CSV, POSTGRES, "ar.loteria.central.cli..")
                .should().dependOnClassesThat().resideInAnyPackage(CSV, POSTGRES)
                .because("the Netty side, the ledger contract and the status view work through the Ledger contract")
                .check(classes);
    }

    @Test
    void neitherStoreSeesTheOther() {
        noClasses().that().resideInAPackage(CSV).should().dependOnClassesThat().resideInAPackage(POSTGRES)
                .check(classes);
        noClasses().that().resideInAPackage(POSTGRES).should().dependOnClassesThat().resideInAPackage(CSV)
                .check(classes);
    }

    @Test
    void theLogCatalogueIsALeaf() {
        noClasses().that().resideInAPackage("ar.loteria.central.log..")
                .should().dependOnClassesThat().resideOutsideOfPackages("ar.loteria.central.log..", "java..",
                        "org.slf4j..", "ar.loteria.logging..", "ar.loteria.codec..")
                .check(classes);
    }

    @Test
    void noTwoMainClassesOfTheRepositoryShareASimpleName() throws IOException {
        // given: the repository's modules, from the server module's folder (where the tests run)
        Path repository = Path.of("").toAbsolutePath().getParent();
        assertTrue(Files.exists(repository.resolve("server/src/main/java")), "not at the repository: " + repository);

        // when
        Map<String, List<String>> byName = new TreeMap<>();
        try (Stream<Path> files = Files.walk(repository)) {
            files.filter(file -> file.toString().contains("/src/main/java/") && file.toString().endsWith(".java")
                            && !file.toString().contains("/target/"))
                    .forEach(file -> byName.computeIfAbsent(file.getFileName().toString(), n -> new ArrayList<>())
                            .add(repository.relativize(file).toString()));
        }

        // then
        Map<String, List<String>> shared = new TreeMap<>();
        byName.forEach((name, paths) -> {
            if (paths.size() > 1) {
                shared.put(name, paths);
            }
        });
        assertTrue(byName.size() > 100, "found only " + byName.size() + " classes");
        assertEquals(Map.of(), shared);
    }
}
