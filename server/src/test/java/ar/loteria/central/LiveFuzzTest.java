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
import ar.loteria.codec.Frames;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Message;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.codec.Winners;
import ar.loteria.testkit.SocketAgency;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static ar.loteria.central.Fuzz.AGENCIES_TO_DRAW;
import static ar.loteria.central.Fuzz.FUZZ_AGENCIES;
import static ar.loteria.central.Fuzz.LIVE_ITERATIONS;
import static ar.loteria.central.Fuzz.SEED;
import static ar.loteria.central.Fuzz.config;
import static ar.loteria.central.Fuzz.conversation;
import static ar.loteria.central.Fuzz.mutate;
import static ar.loteria.central.Fuzz.random;
import static ar.loteria.central.Fuzz.splice;
import static ar.loteria.central.Fuzz.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Fuzz} thrown at a live central over sockets, each conversation followed by 8 kB of {@code 0xff} so it
 * always ends in a closing error: every reply decodes, an ACK names only stored bets, the store holds only whole,
 * valid batches that were sent, each continuing its agency's bets ({@link StoreModel}); afterwards a normal agency is
 * served, the file reopens without a repair, and after a restart the draw gives every agency the winners among its
 * own rows. Live replies may vary a little with timing (which refusal overtakes which ACK); the checks do not
 * depend on it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveFuzzTest {

    /** An agency outside the fuzz, served normally once the fuzz is over. */
    private static final long HEALTHY = 99;

    @RegisterExtension
    final FuzzRun fuzz = new FuzzRun("LiveFuzzTest");

    @Test
    void mutatedConversationsOverSocketsLeaveALiveCentralServingAndItsFileWhole() throws Exception {
        ServerConfig config = config(fuzz.model().file(), AGENCIES_TO_DRAW);
        CentralServer server = new CentralServer(config, null, 2, Ledgers.opener(config));
        server.start();
        try {
            fuzz.iterate(LIVE_ITERATIONS, "connections", (i, stats) -> liveIteration(i, server.port(), stats));

            // then: a normal agency is still served, up to its FINISH
            healthyAgencySendsAndFinishes(server.port());
        } finally {
            server.close();
        }

        // and the file holds exactly the whole batches found above, ends on a whole row, and opens without repair
        assertEquals(fuzz.model().rows(), StoreRows.byAgency(fuzz.model().file()));
        String text = Files.readString(fuzz.model().file(), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\r\n"));
        fuzz.log().clear();
        ServerConfig restart = config(fuzz.model().file(), 1);
        try (CentralServer restarted = new CentralServer(restart, null, 2, Ledgers.opener(restart))) {
            restarted.start();
            assertTrue(fuzz.log().matching("reparar_almacen").isEmpty(), "a whole file needs no repair");
            // the healthy agency's FINISH (again, after the restart) makes the draw, over exactly the file
            try (SocketAgency agency = new SocketAgency(restarted.port())) {
                long stored = fuzz.model().stored(HEALTHY);
                assertEquals(new Welcome(HEALTHY, stored), agency.send(new Hello(HEALTHY, "")).receive());
                assertEquals(new FinishAck(HEALTHY, stored), agency.send(new Finish(HEALTHY, stored)).receive());
                assertEquals(new Winners(true, fuzz.model().winners(HEALTHY)),
                        agency.send(new ResultsRequest(HEALTHY)).receive());
            }
            for (long agency = 1; agency <= FUZZ_AGENCIES; agency++) {
                try (SocketAgency socket = new SocketAgency(restarted.port())) {
                    socket.send(new Hello(agency, "")).receive();
                    assertEquals(new Winners(true, fuzz.model().winners(agency)),
                            socket.send(new ResultsRequest(agency)).receive(), "winners of agency " + agency);
                }
            }
        }
    }

    private void liveIteration(int iteration, int port, FuzzRun.Stats stats) throws Exception {
        Random random = random(iteration);
        long agency = 1 + random.nextInt(FUZZ_AGENCIES);
        boolean helloMutated = random.nextInt(4) == 0;
        try (SocketAgency socket = new SocketAgency(port)) {
            long stored;
            if (helloMutated) {
                stored = storedPerCentral(port, agency);
            } else {
                Welcome welcome = assertInstanceOf(Welcome.class, socket.send(new Hello(agency, "")).receive());
                stored = welcome.stored();
            }
            Fuzz.Mutated mutated = mutate(random, conversation(random, agency, stored, helloMutated));
            String context = "seed " + SEED + " live iteration " + iteration + " " + mutated.description();
            // Whatever the mutation left, 0xff bytes behind it end in FRAME_TOO_LONG, so the central closes. They
            // may also complete a cut frame, so the central can decode them too.
            byte[] tail = new byte[Frames.MAX_FRAME_BYTES + Frames.HEADER_BYTES];
            Arrays.fill(tail, (byte) 0xFF);
            List<BetBatch> candidates = fuzz.model().batchesTheCentralCanDecode(splice(mutated.bytes(), tail), context);
            try {
                for (byte[] read : split(random, mutated.bytes())) {
                    socket.sendRaw(read);
                }
                socket.sendRaw(tail);
            } catch (IOException closedEarly) {
                // the central closed on an error before all was sent
            }
            List<Message> replies;
            try {
                replies = socket.receiveUntilClosed();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(context + ": bad reply", e);
            }
            // a HELLO of a fresh connection is answered on the storage thread after everything queued before it
            storedPerCentral(port, agency);
            fuzz.assertNoUnexpectedFailure(context);
            stats.storedBatches += fuzz.model().checkStoredRows(candidates, context).size();
            Long bound = helloMutated ? null : agency;
            for (Message reply : replies) {
                if (reply instanceof Welcome welcome) {
                    bound = welcome.agency();
                } else if (reply instanceof BatchAck ack) {
                    long of = bound != null ? bound : agency;
                    assertTrue(ack.first() + ack.count() <= fuzz.model().stored(of),
                            context + ": ACK " + ack + " beyond the stored bets");
                } else if (reply instanceof ErrorReply error) {
                    assertFalse(error.code() == ErrorCode.STORAGE_FAILURE, context + ": " + error);
                    if (error.code().closesConnection()) {
                        stats.closingErrors++;
                    } else {
                        stats.refusals++;
                    }
                }
            }
        }
    }

    /** Bets of {@code agency} in the store, as a fresh connection's WELCOME tells. */
    private static long storedPerCentral(int port, long agency) throws IOException {
        try (SocketAgency probe = new SocketAgency(port)) {
            return assertInstanceOf(Welcome.class, probe.send(new Hello(agency, "")).receive()).stored();
        }
    }

    private void healthyAgencySendsAndFinishes(int port) throws IOException {
        try (SocketAgency agency = new SocketAgency(port)) {
            assertEquals(new Welcome(HEALTHY, 0), agency.send(new Hello(HEALTHY, "")).receive());
            List<Bet> bets = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                bets.add(new Bet("Sana", "Agencia", String.valueOf(1000 + i), "1980-01-01", i % 3 == 0 ? 7574 : i));
            }
            assertEquals(new BatchAck(0, 6), agency.send(new BetBatch(HEALTHY, 0, bets.subList(0, 6))).receive());
            assertEquals(new BatchAck(6, 4), agency.send(new BetBatch(HEALTHY, 6, bets.subList(6, 10))).receive());
            assertEquals(new FinishAck(HEALTHY, 10), agency.send(new Finish(HEALTHY, 10)).receive());
            fuzz.model().add(HEALTHY, bets);
        }
    }
}
