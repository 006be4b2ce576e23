package ar.loteria.central;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.BetRules;
import ar.loteria.codec.Frames;
import ar.loteria.codec.Message;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a fuzzed central's store must hold, followed as the fuzz goes: the rows of every whole batch of valid bets
 * that continued its agency's stored bets, per agency, in order. {@link #checkStoredRows} reads what the file gained
 * since the last check and accounts for every row of it. Test thread only.
 */
final class StoreModel {

    private final Path file;
    /** Rows per agency, as {@link StoreRows} reads them. */
    private final Map<Long, List<List<String>>> model = new HashMap<>();
    private final LocalDate today = LocalDate.now();
    /** Bytes of the file already accounted for. */
    private long fileOffset;

    /** @param file the central's store (it may not exist yet) */
    StoreModel(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /**
     * Reads the rows appended to the file since the last check and matches them, in order, against the batches
     * the conversation could have stored: each stored batch must be a whole decoded batch of valid bets that
     * continues its agency's stored bets. Anything else (a partial batch, a row nobody sent) fails.
     *
     * @return the batches found stored
     */
    List<BetBatch> checkStoredRows(List<BetBatch> candidates, String context) throws IOException {
        List<List<String>> added;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) (in.length() - fileOffset)];
            in.seek(fileOffset);
            in.readFully(bytes);
            fileOffset += bytes.length;
            added = StoreRows.parse(new String(bytes, StandardCharsets.UTF_8), context);
        }
        List<BetBatch> stored = new ArrayList<>();
        int at = 0;
        for (BetBatch batch : candidates) {
            List<List<String>> ofAgency = model.computeIfAbsent(batch.agency(), a -> new ArrayList<>());
            List<List<String>> rows = batch.bets().stream().map(bet -> StoreRows.rowOf(batch.agency(), bet)).toList();
            if (batch.first() == ofAgency.size() && at + rows.size() <= added.size()
                    && added.subList(at, at + rows.size()).equals(rows)) {
                ofAgency.addAll(rows);
                at += rows.size();
                stored.add(batch);
            }
        }
        assertEquals(added.size(), at, context + ": rows stored that are no whole batch sent: "
                + added.subList(at, added.size()));
        return stored;
    }

    /** The rows the file must hold, per agency that has any, as {@link StoreRows#byAgency} reads them. */
    Map<Long, List<List<String>>> rows() {
        Map<Long, List<List<String>>> rows = new LinkedHashMap<>();
        model.forEach((agency, list) -> {
            if (!list.isEmpty()) {
                rows.put(agency, list);
            }
        });
        return rows;
    }

    /** Rows of {@code agency} the file must hold. */
    long stored(long agency) {
        return model.getOrDefault(agency, List.of()).size();
    }

    /** Records bets of {@code agency} acknowledged outside the fuzz, continuing its rows. */
    void add(long agency, List<Bet> bets) {
        bets.forEach(bet -> model.computeIfAbsent(agency, a -> new ArrayList<>()).add(StoreRows.rowOf(agency, bet)));
    }

    /** Documents of {@code agency}'s rows on the winning number, in file order. */
    List<String> winners(long agency) {
        return model.getOrDefault(agency, List.of()).stream().filter(row -> row.get(5).equals("7574"))
                .map(row -> row.get(3)).toList();
    }

    /**
     * The batches of valid bets the central could decode from {@code stream}: frames cut as its frame decoder
     * cuts them, up to the first that cannot be decoded. Also checks that the decoder refuses bad payloads only
     * with {@link CorruptedFrameException}, and that every payload it accepts from an agency encodes back to the
     * same bytes.
     */
    List<BetBatch> batchesTheCentralCanDecode(byte[] stream, String context) {
        List<BetBatch> batches = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        while (in.readableBytes() >= Frames.HEADER_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > Frames.MAX_PAYLOAD_BYTES || in.readableBytes() < Frames.HEADER_BYTES + length) {
                break;
            }
            in.skipBytes(Frames.HEADER_BYTES);
            ByteBuf payload = in.readSlice((int) length);
            Message message;
            try {
                message = MessageDecoder.decode(payload.duplicate());
            } catch (CorruptedFrameException refused) {
                break;
            } catch (RuntimeException e) {
                throw new AssertionError(context + ": the decoder failed with " + e, e);
            }
            if (message.type().code() < 0x80) {
                ByteBuf again = Unpooled.buffer();
                try {
                    MessageEncoder.encode(message, again);
                    assertArrayEquals(ByteBufUtil.getBytes(payload), ByteBufUtil.getBytes(again),
                            context + ": " + message + " does not encode back to its bytes");
                } finally {
                    again.release();
                }
            }
            if (message instanceof BetBatch batch
                    && batch.bets().stream().allMatch(bet -> BetRules.violation(bet, today) == null)) {
                batches.add(batch);
            }
        }
        return batches;
    }
}
