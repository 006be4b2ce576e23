package ar.loteria.agency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The exits that happen before any connection; the rest of a run is covered by {@link AgencyClientTest}. */
class AgencyMainTest {

    @TempDir
    Path dir;

    @Test
    void missingAgencyIdExitsWithOne() {
        // when
        int code = AgencyMain.runAgency(dir.resolve("config.yaml"), Map.of());

        // then
        assertEquals(1, code);
    }

    @Test
    void missingBetsFileExitsWithTwo() {
        // when
        int code = AgencyMain.runAgency(dir.resolve("config.yaml"),
                Map.of("CLI_ID", "1", "CLI_DATA_FILE", dir.resolve("agency-1.csv").toString()));

        // then
        assertEquals(2, code);
    }
}
