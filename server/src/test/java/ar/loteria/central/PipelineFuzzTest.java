package ar.loteria.central;

import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.csv.CsvBetStore;
import ar.loteria.central.ledger.csv.CsvLedger;
import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Message;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static ar.loteria.central.Fuzz.AGENCIES_TO_DRAW;
import static ar.loteria.central.Fuzz.FUZZ_AGENCIES;
import static ar.loteria.central.Fuzz.IDLE;
import static ar.loteria.central.Fuzz.PIPELINE_ITERATIONS;
import static ar.loteria.central.Fuzz.SEED;
import static ar.loteria.central.Fuzz.config;
import static ar.loteria.central.Fuzz.conversation;
import static ar.loteria.central.Fuzz.mutate;
import static ar.loteria.central.Fuzz.random;
import static ar.loteria.central.Fuzz.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Fuzz} thrown at the central's real pipeline ({@link CentralInitializer}) in an {@link EmbeddedChannel},
 * over a real CSV store and an immediate storage executor: no exception may escape, every reply must decode and be
 * one the central sends, an ACK names only stored bets, and the store holds only whole, valid batches that were
 * sent, each continuing its agency's bets and each acknowledged ({@link StoreModel}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineFuzzTest {

    @RegisterExtension
    final FuzzRun fuzz = new FuzzRun("PipelineFuzzTest");

    @Test
    void mutatedConversationsNeverBreakThePipelineOrStorePartOfABatch() throws Exception {
        try (CsvBetStore store = CsvBetStore.open(fuzz.model().file())) {
            CsvLedger ledger = Dispatchers.ledger(store, AGENCIES_TO_DRAW);
            CentralInitializer initializer = new CentralInitializer(config(fuzz.model().file(), AGENCIES_TO_DRAW),
                    Dispatchers.immediate(ledger), new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), null);
            fuzz.iterate(PIPELINE_ITERATIONS, "conversations",
                    (i, stats) -> pipelineIteration(i, initializer, ledger, stats));
        }
        assertEquals(fuzz.model().rows(), StoreRows.byAgency(fuzz.model().file()));
    }

    private void pipelineIteration(int iteration, CentralInitializer initializer, Ledger ledger,
                                   FuzzRun.Stats stats) throws IOException {
        Random random = random(iteration);
        long agency = 1 + random.nextInt(FUZZ_AGENCIES);
        Fuzz.Mutated mutated = mutate(random, conversation(random, agency, ledger.stored(agency), true));
        String context = "seed " + SEED + " iteration " + iteration + " " + mutated.description();
        List<BetBatch> candidates = fuzz.model().batchesTheCentralCanDecode(mutated.bytes(), context);

        EmbeddedPeer agencySide = new EmbeddedPeer(new EmbeddedChannel(initializer));
        EmbeddedChannel channel = agencySide.channel();
        List<Message> messages;
        try {
            try {
                for (byte[] read : split(random, mutated.bytes())) {
                    if (!channel.isOpen()) {
                        break;
                    }
                    if (random.nextInt(20) == 0) {
                        // a stall longer than the idle timeout between two reads
                        channel.advanceTimeBy(IDLE.toMillis() + 1_000, TimeUnit.MILLISECONDS);
                        channel.runScheduledPendingTasks();
                    }
                    if (channel.isOpen()) {
                        agencySide.sendRaw(Unpooled.wrappedBuffer(read));
                    }
                }
                channel.runPendingTasks();
                channel.close();
                channel.runPendingTasks();
                channel.checkException();
            } catch (Throwable escaped) {
                throw new AssertionError(context + ": an exception escaped the pipeline", escaped);
            }
            try {
                messages = agencySide.received();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(context + ": a reply does not decode", e);
            }
            assertEquals(0, agencySide.partialBytes(), context + ": a reply was cut");
        } finally {
            agencySide.finish();
        }

        fuzz.assertNoUnexpectedFailure(context);
        List<BatchAck> acks = acksOf(messages, agency, ledger, context, stats);
        List<BetBatch> stored = fuzz.model().checkStoredRows(candidates, context);
        for (BetBatch batch : stored) {
            assertTrue(acks.contains(new BatchAck(batch.first(), batch.bets().size())),
                    context + ": batch stored but not acknowledged: first " + batch.first());
        }
        stats.storedBatches += stored.size();
    }

    /**
     * The replies' batch ACKs, after checking that each reply is one the central may send and that an ACK names
     * bets that are stored.
     */
    private List<BatchAck> acksOf(List<Message> replies, long agency, Ledger ledger, String context,
                                  FuzzRun.Stats stats) {
        Long bound = null;
        List<BatchAck> acks = new ArrayList<>();
        for (Message reply : replies) {
            assertTrue(reply.type().code() >= 0x80, context + ": the central sent " + reply);
            if (reply instanceof Welcome welcome) {
                bound = welcome.agency();
            } else if (reply instanceof BatchAck ack) {
                acks.add(ack);
                long of = bound != null ? bound : agency;
                assertTrue(ack.first() + ack.count() <= ledger.stored(of), context + ": ACK " + ack
                        + " for bets not stored; agency " + of + " has " + ledger.stored(of));
            } else if (reply instanceof ErrorReply error) {
                assertFalse(error.code() == ErrorCode.STORAGE_FAILURE || error.code() == ErrorCode.SHUTTING_DOWN,
                        context + ": " + error);
                if (error.code().closesConnection()) {
                    stats.closingErrors++;
                } else {
                    stats.refusals++;
                }
            }
        }
        return acks;
    }
}
