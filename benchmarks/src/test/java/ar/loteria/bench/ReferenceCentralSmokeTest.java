package ar.loteria.bench;

import ar.loteria.bench.reference.ReferenceCentral;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.launch.JarProcess;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
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
 * the CSV reference writes exactly the rows of PROTOCOL.md section 8.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReferenceCentralSmokeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

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

        try (Peer one = new Peer(port); Peer two = new Peer(port)) {
            // when / then: agency 1 says HELLO, asks for its winners before the draw, sends the protocol's example
            one.send(new Hello(1, ""), new ResultsRequest(1), new BetBatch(1, 0, List.of(
                    new Bet("Ana", "Díaz", "30904465", "1999-03-17", 7574),
                    new Bet("Luis", "Paz", "00000042", "1985-12-01", 201))));
            assertEquals(new Welcome(1, 0), one.next());
            assertEquals(new BatchAck(0, 2), one.next());
            // agency 2 sends its bets in four batches and finishes
            two.send(new Hello(2, ""), new BetBatch(2, 0, List.of(
                    new Bet("María José", "O\"Neil, Jr", "12345678", "2000-02-29", 7574))));
            for (int first = 0; first < many.size(); first += 150) {
                two.send(new BetBatch(2, 1 + first, many.subList(first, first + 150)));
            }
            two.send(new Finish(2, 451));
            assertEquals(new Welcome(2, 0), two.next());
            assertEquals(new BatchAck(0, 1), two.next());
            for (int first = 0; first < many.size(); first += 150) {
                assertEquals(new BatchAck(1 + first, 150), two.next());
            }
            assertEquals(new FinishAck(2, 451), two.next());
            // the last FINISH draws, and the request that waited is answered
            one.send(new Finish(1, 2));
            assertEquals(new FinishAck(1, 2), one.next());
            assertEquals(new Winners(true, List.of("30904465")), one.next());
            two.send(new ResultsRequest(2));
            List<String> documents = new ArrayList<>(List.of("12345678"));
            many.forEach(bet -> documents.add(bet.document()));
            for (Winners part : Winners.partsOf(documents)) {
                assertEquals(part, two.next());
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

    /** One agency on a plain blocking socket: whole frames out, decoded replies in. Test-owned. */
    private static final class Peer implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;

        Peer(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout((int) WAIT.toMillis());
            in = new DataInputStream(socket.getInputStream());
        }

        void send(Message... messages) throws IOException {
            for (Message message : messages) {
                ByteBuf frame = LoadGenerator.frame(message);
                try {
                    socket.getOutputStream().write(ByteBufUtil.getBytes(frame));
                } finally {
                    frame.release();
                }
            }
        }

        Message next() throws IOException {
            byte[] payload = in.readNBytes(in.readInt());
            ByteBuf buffer = Unpooled.wrappedBuffer(payload);
            try {
                return MessageDecoder.decode(buffer);
            } finally {
                buffer.release();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
