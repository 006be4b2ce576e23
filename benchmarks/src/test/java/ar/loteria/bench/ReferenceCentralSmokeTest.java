package ar.loteria.bench;

import ar.loteria.bench.reference.ReferenceCentral;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.launch.JarProcess;
import ar.loteria.testkit.SocketAgency;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's reference centrals, each started as the load generator starts them, in a short conversation of two
 * agencies: every reply is the one docs/PROTOCOL.md asks for, RESULTS waits for the draw, winners come in parts, and
 * the CSV reference writes exactly the rows of PROTOCOL.md section 8; and thousands of agencies connected at once
 * cost each a few kilobytes, so that the references can be measured beside the central in the national shape.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReferenceCentralSmokeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Agencies connected at once: with the 80 kB of direct buffers a connection once took, 160 MB. */
    private static final int CROWD = 2_000;

    @TempDir
    Path dir;

    @AutoClose
    JarProcess central;

    @ParameterizedTest
    @ValueSource(strings = {"null", "csv"})
    void answersTheProtocolAndTheCsvReferenceStoresPythonCsvRows(String mode) throws Exception {
        // given: a reference central for two agencies, as the load generator starts it
        Path store = dir.resolve("bets.csv");
        central = JarProcess.start(ReferenceCentral.launch(mode), Map.of("SERVER_PORT", "0", "AGENCIES", "2",
                "STORAGE_FILEPATH", store.toString()), dir, dir.resolve("central.log"));
        int port = central.awaitPort(WAIT);
        // agency 2 has more winners, with long documents, than one WINNERS frame holds
        List<Bet> many = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            many.add(new Bet("Eva", "Ruiz", String.format("%020d", i), "1990-01-01", 7574));
        }

        try (SocketAgency one = agency(port); SocketAgency two = agency(port)) {
            // when / then: agency 1 says HELLO, asks for its winners before the draw, sends the protocol's example,
            // all in one write
            one.sendAll(new Hello(1, ""), new ResultsRequest(1), new BetBatch(1, 0, List.of(
                    new Bet("Ana", "Díaz", "30904465", "1999-03-17", 7574),
                    new Bet("Luis", "Paz", "00000042", "1985-12-01", 201))));
            assertEquals(new Welcome(1, 0), one.receive());
            assertEquals(new BatchAck(0, 2), one.receive());
            // agency 2 sends its bets in four batches and finishes
            two.sendAll(new Hello(2, ""), new BetBatch(2, 0, List.of(
                    new Bet("María José", "O\"Neil, Jr", "12345678", "2000-02-29", 7574))));
            for (int first = 0; first < many.size(); first += 150) {
                two.send(new BetBatch(2, 1 + first, many.subList(first, first + 150)));
            }
            two.send(new Finish(2, 451));
            assertEquals(new Welcome(2, 0), two.receive());
            assertEquals(new BatchAck(0, 1), two.receive());
            for (int first = 0; first < many.size(); first += 150) {
                assertEquals(new BatchAck(1 + first, 150), two.receive());
            }
            assertEquals(new FinishAck(2, 451), two.receive());
            // the last FINISH draws, and the request that waited is answered
            one.send(new Finish(1, 2));
            assertEquals(new FinishAck(1, 2), one.receive());
            assertEquals(new Winners(true, List.of("30904465")), one.receive());
            two.send(new ResultsRequest(2));
            List<String> documents = new ArrayList<>(List.of("12345678"));
            many.forEach(bet -> documents.add(bet.document()));
            for (Winners part : Winners.partsOf(documents)) {
                assertEquals(part, two.receive());
            }
            assertEquals(2, Winners.partsOf(documents).size(), "the winners took more than one part");
        }

        // then: it stops in order, and only the CSV reference wrote the rows
        central.terminate();
        assertEquals(0, central.awaitExit(WAIT), String.join("\n", central.lines()));
        assertTrue(central.shutdownLogged(), String.join("\n", central.lines()));
        if (mode.equals("csv")) {
            List<String> rows = new ArrayList<>(List.of("1,Ana,Díaz,30904465,1999-03-17,7574",
                    "1,Luis,Paz,00000042,1985-12-01,201", "2,María José,\"O\"\"Neil, Jr\",12345678,2000-02-29,7574"));
            many.forEach(bet -> rows.add("2,Eva,Ruiz," + bet.document() + ",1990-01-01,7574"));
            assertEquals(String.join("\r\n", rows) + "\r\n", Files.readString(store, StandardCharsets.UTF_8));
        } else {
            assertFalse(Files.exists(store));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "csv"})
    void holdsThousandsOfAgenciesAtOnceWithLittleDirectMemory(String mode) throws Exception {
        // given: a reference whose JVM has 8 MB of direct memory, 4 kB per connection below
        central = JarProcess.start(ReferenceCentral.launch(mode).withJvmOptions(List.of("-XX:MaxDirectMemorySize=8m",
                "-XX:+ExitOnOutOfMemoryError")), Map.of("SERVER_PORT", "0", "AGENCIES", String.valueOf(CROWD),
                "SERVER_LISTEN_BACKLOG", "4096", "STORAGE_FILEPATH", dir.resolve("bets.csv").toString()), dir,
                dir.resolve("central.log"));
        int port = central.awaitPort(WAIT);
        List<SocketAgency> crowd = new ArrayList<>();
        try {
            // when: every agency connects and says HELLO, and they all stay connected
            for (int id = 1; id <= CROWD; id++) {
                SocketAgency agency = agency(port);
                crowd.add(agency);
                agency.send(new Hello(id, ""));
                assertEquals(new Welcome(id, 0), agency.receive());
            }

            // then: the first is still served after the last came
            crowd.get(0).send(new BetBatch(1, 0, List.of(new Bet("Ana", "Díaz", "30904465", "1999-03-17", 7574))));
            assertEquals(new BatchAck(0, 1), crowd.get(0).receive());
            assertTrue(central.isAlive(), String.join("\n", central.lines()));
        } finally {
            for (SocketAgency agency : crowd) {
                agency.close();
            }
        }
        central.terminate();
        assertEquals(0, central.awaitExit(WAIT), String.join("\n", central.lines()));
    }

    /** An agency on a blocking socket that waits for each reply as long as the test does. */
    private static SocketAgency agency(int port) throws IOException {
        SocketAgency agency = new SocketAgency(port);
        agency.setTimeoutMillis((int) WAIT.toMillis());
        return agency;
    }
}
