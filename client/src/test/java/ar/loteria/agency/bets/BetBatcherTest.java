package ar.loteria.agency.bets;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Frames;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.testkit.WireFrames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BetBatcherTest {

    @Test
    void fillsEachBatchUpToMaxAmountWithContinuousIndexes() throws Exception {
        // given
        List<Bet> bets = TestBets.bets(25, 5);

        // when
        List<BetBatch> batches = batchAll(bets, 10, 0);

        // then
        assertEquals(List.of(10, 10, 5), sizes(batches));
        assertEquals(List.of(0L, 10L, 20L), firsts(batches));
        assertEquals(bets, flatten(batches));
        batches.forEach(batch -> assertEquals(7, batch.agency()));
    }

    @Test
    void resumedStreamCountsOnFromTheGivenIndex() throws Exception {
        // given: the source already skipped the 40 bets the central holds
        List<Bet> rest = TestBets.bets(12, 5);

        // when
        List<BetBatch> batches = batchAll(rest, 5, 40);

        // then
        assertEquals(List.of(40L, 45L, 50L), firsts(batches));
        assertEquals(List.of(5, 5, 2), sizes(batches));
    }

    @Test
    void cutsBatchesOfLongNamesToFitOneFrame() throws Exception {
        // given: names of 255 UTF-8 bytes, so 15 bets fill a frame
        String longName = "ñ".repeat(127) + "a";
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bets.add(new Bet(longName, longName, "%08d".formatted(i), "1980-01-01", i));
        }

        // when
        List<BetBatch> batches = batchAll(bets, 1000, 0);

        // then
        assertEquals(List.of(15, 15, 10), sizes(batches));
        for (BetBatch batch : batches) {
            assertTrue(encodedFrameBytes(batch) <= Frames.MAX_FRAME_BYTES, "frame of " + encodedFrameBytes(batch));
        }
        assertEquals(bets, flatten(batches));
    }

    @Test
    void cutsShortOnlyWhenTheNextBetWouldNotFit() throws Exception {
        // given: bets of random sizes, and a max amount the frame limit often overrides
        Random random = new Random(11);
        List<Bet> bets = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String name = "x".repeat(1 + random.nextInt(250));
            bets.add(new Bet(name, "Paz", "123", "1980-01-01", i % 10_000));
        }

        // when
        List<BetBatch> batches = batchAll(bets, 60, 0);

        // then
        for (int i = 0; i < batches.size(); i++) {
            BetBatch batch = batches.get(i);
            int payload = encodedFrameBytes(batch) - Frames.HEADER_BYTES;
            assertTrue(payload <= Frames.MAX_PAYLOAD_BYTES);
            assertTrue(batch.bets().size() <= 60);
            if (i < batches.size() - 1 && batch.bets().size() < 60) {
                Bet next = batches.get(i + 1).bets().get(0);
                assertTrue(payload + MessageEncoder.betBytes(next) > Frames.MAX_PAYLOAD_BYTES,
                        "batch " + i + " was cut although the next bet fits");
            }
        }
        assertEquals(bets, flatten(batches));
    }

    @Test
    void emptySourceGivesNoBatch() throws Exception {
        // given
        BetBatcher batcher = new BetBatcher(1, 10, source(List.of()), 3);

        // when / then
        assertNull(batcher.next());
        assertEquals(3, batcher.position());
    }

    private static List<BetBatch> batchAll(List<Bet> bets, int maxAmount, long first)
            throws IOException, BetFileException {
        BetBatcher batcher = new BetBatcher(7, maxAmount, source(bets), first);
        List<BetBatch> batches = new ArrayList<>();
        for (BetBatch batch = batcher.next(); batch != null; batch = batcher.next()) {
            batches.add(batch);
        }
        assertEquals(first + bets.size(), batcher.position());
        return batches;
    }

    private static BetSource source(List<Bet> bets) throws IOException {
        return BetInput.of("test", bets).open();
    }

    private static int encodedFrameBytes(BetBatch batch) {
        return WireFrames.bytes(batch).length;
    }

    private static List<Integer> sizes(List<BetBatch> batches) {
        return batches.stream().map(batch -> batch.bets().size()).toList();
    }

    private static List<Long> firsts(List<BetBatch> batches) {
        return batches.stream().map(BetBatch::first).toList();
    }

    private static List<Bet> flatten(List<BetBatch> batches) {
        return batches.stream().flatMap(batch -> batch.bets().stream()).toList();
    }
}
