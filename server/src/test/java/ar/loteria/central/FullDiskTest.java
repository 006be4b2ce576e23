package ar.loteria.central;

import ar.loteria.central.cli.Ledgers;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.codec.WinningRule;
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store on a real full filesystem: a small tmpfs that this test mounts (it needs root and the right to mount;
 * elsewhere it is skipped, saying why). Batches the file cannot take are refused with STORAGE_FAILURE and never
 * acknowledged, the central stays up and logs the incident once, and it takes bets again when space is back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FullDiskTest {

    private static final int TMPFS_BYTES = 256 * 1024;
    private static final int BATCH = 50;

    @TempDir
    Path dir;

    private SmallFilesystem disk;
    private CentralServer server;

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        if (disk != null) {
            disk.close();
        }
    }

    private static List<Bet> bets(int from) {
        List<Bet> bets = new ArrayList<>();
        for (int i = from; i < from + BATCH; i++) {
            bets.add(new Bet("Nombre largo para llenar " + i, "Apellido largo para llenar", String.format("%08d", i),
                    "1990-01-01", i % 25 == 0 ? WinningRule.NUMBER : i % 7000));
        }
        return bets;
    }

    @Test
    void aFullDiskRefusesWithStorageFailureKeepsServingAndTakesBetsAgainWhenSpaceIsBack() throws Exception {
        // given: a store on a nearly full filesystem
        disk = SmallFilesystem.mount(dir.resolve("tmpfs"), "size=" + TMPFS_BYTES);
        Path filler = disk.root().resolve("filler");
        Files.write(filler, new byte[TMPFS_BYTES - 64 * 1024]);
        Path store = disk.root().resolve("bets.csv");
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, 1, store, 100,
                Duration.ofSeconds(30), Map.of());
        server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        List<Bet> acknowledged = new ArrayList<>();
        try (LogCapture log = LogCapture.attach(); SocketAgency agency = new SocketAgency(server.port())) {
            assertEquals(new Welcome(1, 0), agency.send(new Hello(1, "")).receive());

            // when: the agency sends until the file cannot take a batch
            ErrorReply refused = null;
            for (int first = 0; refused == null; first += BATCH) {
                List<Bet> bets = bets(first);
                Message reply = agency.send(new BetBatch(1, first, bets)).receive();
                if (reply instanceof BatchAck) {
                    acknowledged.addAll(bets);
                } else {
                    refused = assertInstanceOf(ErrorReply.class, reply);
                }
            }

            // then: refused as a storage failure, not acknowledged, the connection and the central still up
            assertEquals(ErrorCode.STORAGE_FAILURE, refused.code());
            assertEquals(acknowledged.size(), refused.ref());
            for (int retry = 0; retry < 3; retry++) {
                assertEquals(ErrorCode.STORAGE_FAILURE, ((ErrorReply) agency.send(new BetBatch(1,
                        acknowledged.size(), bets(acknowledged.size()))).receive()).code());
            }
            try (SocketAgency other = new SocketAgency(server.port())) {
                assertEquals(new Welcome(1, acknowledged.size()), other.send(new Hello(1, "")).receive(),
                        "what was acknowledged is what is stored");
            }
            assertEquals(1, log.matching("action: escribir_almacen | result: fail").size(),
                    "one line per incident, not one per refused batch");

            // when: space is back
            Files.delete(filler);
            List<Bet> more = bets(acknowledged.size());
            assertEquals(new BatchAck(acknowledged.size(), BATCH), agency.send(new BetBatch(1, acknowledged.size(),
                    more)).receive());
            acknowledged.addAll(more);

            // then: it says so once, and the lottery goes on to its draw
            log.await("action: escribir_almacen | result: success", Duration.ofSeconds(5));
            assertTrue(log.matching("lotes_rechazados: 4").size() == 1, log.lines().toString());
            assertEquals(new FinishAck(1, acknowledged.size()), agency.send(new Finish(1, acknowledged.size()))
                    .receive());
            List<String> winners = acknowledged.stream().filter(bet -> WinningRule.wins(bet.number()))
                    .map(Bet::document).toList();
            assertEquals(new Winners(true, winners), agency.send(new ResultsRequest(1)).receive());
        }
        server.close();
        server = null;
        // and the file holds exactly the acknowledged bets, whole rows only
        assertEquals(StoreRows.rowsOf(Map.of(1L, acknowledged)), StoreRows.byAgency(store));
    }
}
