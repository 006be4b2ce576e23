package ar.loteria.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    private static final Bet PLAIN = new Bet("Santiago Lionel", "Lorca", "30904465", "1999-03-17", 2201);
    private static final Bet TRICKY = new Bet("Tiago \"Nico\", el\r\nsegundo", "Ñandú-Müller", "00000042",
            "2000-02-29", 7574);

    static Stream<Message> everyMessage() {
        return Stream.of(
                new Hello(1, ""),
                new Hello(4_000_000_000L, "sécret-token"),
                new BetBatch(3, 0, List.of(PLAIN)),
                new BetBatch(3, 4_294_967_000L, List.of(PLAIN, TRICKY, PLAIN)),
                new Finish(5, 15_741),
                new ResultsRequest(2),
                new Welcome(2, 123),
                new BatchAck(120, 10),
                new FinishAck(5, 15_741),
                new Winners(true, List.of()),
                new Winners(false, List.of("00000042", "30904465")),
                new ErrorReply(ErrorCode.INVALID_BET, 40, "bet 3: birthdate 2023-02-30 is not a real date"),
                new ErrorReply(ErrorCode.FRAME_TOO_LONG, "frame of 9000 bytes"));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void roundTripsThroughFramingAndCodec(Message message) {
        // given
        ByteBuf wire = encode(message);
        EmbeddedChannel decoder = decoderChannel();

        // when
        decoder.writeInbound(wire);

        // then
        assertEquals(message, decoder.readInbound());
        assertFalse(decoder.finish());
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void decodesFrameSplitAtEveryByte(Message message) {
        // given
        ByteBuf wire = encode(message);
        EmbeddedChannel decoder = decoderChannel();

        // when: one byte per read
        while (wire.isReadable()) {
            decoder.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();

        // then
        assertEquals(message, decoder.readInbound());
        assertFalse(decoder.finish());
    }

    @Test
    void decodesSeveralFramesInOneBuffer() {
        // given
        List<Message> messages = everyMessage().toList();
        ByteBuf all = Unpooled.buffer();
        for (Message message : messages) {
            ByteBuf wire = encode(message);
            all.writeBytes(wire);
            wire.release();
        }
        EmbeddedChannel decoder = decoderChannel();

        // when
        decoder.writeInbound(all);

        // then
        List<Message> decoded = new ArrayList<>();
        for (Message m = decoder.readInbound(); m != null; m = decoder.readInbound()) {
            decoded.add(m);
        }
        assertEquals(messages, decoded);
        assertFalse(decoder.finish());
    }

    @Test
    void keepsLeadingZerosAndAccentsOfDocumentsAndNames() {
        // given
        BetBatch batch = new BetBatch(1, 0, List.of(TRICKY));

        // when
        Message decoded = roundTrip(batch);

        // then
        Bet bet = ((BetBatch) decoded).bets().get(0);
        assertEquals("00000042", bet.document());
        assertEquals("Ñandú-Müller", bet.lastName());
        assertEquals("Tiago \"Nico\", el\r\nsegundo", bet.firstName());
    }

    @Test
    void refusesOversizeLengthHeaderBeforeBuffering() {
        // given: a header announcing one byte more than a frame may hold, and no payload yet
        EmbeddedChannel decoder = decoderChannel();
        ByteBuf header = Unpooled.buffer().writeInt(Frames.MAX_PAYLOAD_BYTES + 1);

        // when / then: refused on the header alone
        assertThrows(TooLongFrameException.class, () -> decoder.writeInbound(header));
        decoder.finishAndReleaseAll();
    }

    @Test
    void acceptsFrameOfExactlyTheMaximumSize() {
        // given: a WINNERS payload padded with documents up to exactly MAX_PAYLOAD_BYTES
        List<String> documents = new ArrayList<>();
        int size = MessageEncoder.WINNERS_HEADER_BYTES;
        while (size + 1 + 8 <= Frames.MAX_PAYLOAD_BYTES) {
            documents.add("12345678");
            size += 1 + 8;
        }
        documents.add("1".repeat(Frames.MAX_PAYLOAD_BYTES - size - 1));
        Winners winners = new Winners(true, documents);

        // when
        ByteBuf wire = encode(winners);

        // then
        assertEquals(Frames.MAX_FRAME_BYTES, wire.readableBytes());
        EmbeddedChannel decoder = decoderChannel();
        decoder.writeInbound(wire);
        assertEquals(winners, decoder.readInbound());
        assertFalse(decoder.finish());
    }

    @Test
    void readsNegativeLengthHeaderAsUnsignedAndRefusesItAsTooLong() {
        // given: 0xFFFFFFFF, "-1" to a signed reader
        EmbeddedChannel decoder = decoderChannel();
        ByteBuf header = Unpooled.buffer().writeInt(-1).writeByte(1);

        assertThrows(TooLongFrameException.class, () -> decoder.writeInbound(header));
        decoder.finishAndReleaseAll();
    }

    @Test
    void refusesEmptyPayload() {
        EmbeddedChannel decoder = decoderChannel();

        assertThrows(CorruptedFrameException.class, () -> decoder.writeInbound(Unpooled.buffer().writeInt(0)));
        decoder.finishAndReleaseAll();
    }

    @Test
    void refusesUnknownType() {
        CorruptedFrameException error = assertThrows(CorruptedFrameException.class,
                () -> decodePayload(new byte[] {0x7F, 0, 0, 0, 1}));
        assertTrue(error.getMessage().contains("0x7f"), error.getMessage());
    }

    @Test
    void refusesEveryTruncationOfEveryMessage() {
        for (Message message : everyMessage().toList()) {
            byte[] payload = payloadOf(message);
            for (int length = 1; length < payload.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(payload, length);
                assertThrows(CorruptedFrameException.class, () -> decodePayload(cut),
                        message + " cut to " + length + " bytes");
            }
        }
    }

    @Test
    void refusesBytesLeftAfterTheMessage() {
        byte[] payload = payloadOf(new ResultsRequest(1));
        byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);

        assertThrows(CorruptedFrameException.class, () -> decodePayload(longer));
    }

    @Test
    void refusesInvalidUtf8() {
        // given: HELLO whose token is a lone continuation byte
        byte[] payload = {0x01, 1, 0, 0, 0, 1, 1, (byte) 0x80};

        CorruptedFrameException error = assertThrows(CorruptedFrameException.class, () -> decodePayload(payload));
        assertTrue(error.getMessage().contains("UTF-8"), error.getMessage());
    }

    @Test
    void refusesABatchPayloadLargerThanAFrameEvenWithoutTheFrameDecoder() {
        // given: a well-formed BETS payload of more bets than a frame holds, decoded straight from a buffer
        Bet bet = new Bet("Ana", "Paz", "12345678", "1990-01-01", 1);
        int count = Frames.MAX_PAYLOAD_BYTES / MessageEncoder.betBytes(bet) + 1;
        ByteBuf payload = Unpooled.buffer().writeByte(MessageType.BETS.code()).writeInt(1).writeInt(0)
                .writeShort(count);
        for (int i = 0; i < count; i++) {
            payload.writeByte(3).writeBytes("Ana".getBytes()).writeByte(3).writeBytes("Paz".getBytes())
                    .writeByte(8).writeBytes("12345678".getBytes()).writeByte(10).writeBytes("1990-01-01".getBytes())
                    .writeShort(1);
        }

        // when / then
        try {
            assertThrows(CorruptedFrameException.class, () -> MessageDecoder.decode(payload));
        } finally {
            payload.release();
        }
    }

    @Test
    void refusesBatchWithoutBets() {
        byte[] payload = {0x02, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};

        assertThrows(CorruptedFrameException.class, () -> decodePayload(payload));
    }

    @Test
    void refusesBetCountLargerThanThePayloadBeforeAllocating() {
        // given: a batch that claims 65535 bets but carries none
        byte[] payload = {0x02, 0, 0, 0, 1, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF};

        CorruptedFrameException error = assertThrows(CorruptedFrameException.class, () -> decodePayload(payload));
        assertTrue(error.getMessage().contains("truncated bets"), error.getMessage());
    }

    @Test
    void refusesUnknownErrorCode() {
        byte[] payload = {(byte) 0xEE, 0x7F, 0x7F, 0, 0, 0, 0, 0, 0};

        assertThrows(CorruptedFrameException.class, () -> decodePayload(payload));
    }

    @ParameterizedTest
    @MethodSource("everyMessage")
    void frameEncoderWritesTheLengthAndThePayloadInOneBuffer(Message message) {
        // given
        EmbeddedChannel framed = new EmbeddedChannel(FrameEncoder.INSTANCE);

        // when
        framed.writeOutbound(message);
        ByteBuf one = framed.readOutbound();

        // then: exactly the frame the protocol's rule gives, as a single buffer
        assertNull(framed.readOutbound());
        ByteBuf two = encode(message);
        assertEquals(ByteBufUtil.hexDump(two), ByteBufUtil.hexDump(one));
        one.release();
        two.release();
        assertFalse(framed.finish());
    }

    @Test
    void frameEncoderRefusesAPayloadOverAFrameAndWritesNothing() {
        // given: one bet more than a frame carries
        EmbeddedChannel framed = new EmbeddedChannel(FrameEncoder.INSTANCE);
        Bet shortBet = new Bet("A", "B", "1", "2000-01-01", 1);
        int fit = (Frames.MAX_PAYLOAD_BYTES - MessageEncoder.BATCH_HEADER_BYTES) / MessageEncoder.betBytes(shortBet);
        BetBatch tooBig = new BetBatch(1, 0, Collections.nCopies(fit + 1, shortBet));

        // when / then
        assertThrows(io.netty.handler.codec.EncoderException.class, () -> framed.writeOutbound(tooBig));
        assertNull(framed.readOutbound());
        assertFalse(framed.finish());
    }

    @Test
    void encoderRefusesTextLongerThanAStr8() {
        // given
        EmbeddedChannel encoder = new EmbeddedChannel(MessageEncoder.INSTANCE);
        Hello hello = new Hello(1, "x".repeat(MessageEncoder.MAX_STR8_BYTES + 1));

        // when / then
        assertThrows(io.netty.handler.codec.EncoderException.class, () -> encoder.writeOutbound(hello));
        assertNull(encoder.readOutbound());
        assertFalse(encoder.finish());
    }

    @Test
    void encoderLimitsThePayloadItWritesNotWhatTheBufferAlreadyHeld() {
        // given: a buffer that already holds a length header, and a batch that fills a frame exactly
        Bet shortBet = new Bet("A", "B", "1", "2000-01-01", 1);
        int fit = (Frames.MAX_PAYLOAD_BYTES - MessageEncoder.BATCH_HEADER_BYTES) / MessageEncoder.betBytes(shortBet);
        ByteBuf out = Unpooled.buffer().writeInt(0);

        // when / then: no complaint, and the payload is within a frame
        MessageEncoder.encode(new BetBatch(1, 0, Collections.nCopies(fit, shortBet)), out);
        assertTrue(out.readableBytes() - 4 <= Frames.MAX_PAYLOAD_BYTES);
        out.release();
    }

    @Test
    void betBytesMatchesWhatTheEncoderWrites() {
        // given
        BetBatch batch = new BetBatch(1, 0, List.of(PLAIN, TRICKY));

        // when
        byte[] payload = payloadOf(batch);

        // then
        assertEquals(MessageEncoder.BATCH_HEADER_BYTES + MessageEncoder.betBytes(PLAIN)
                + MessageEncoder.betBytes(TRICKY), payload.length);
    }

    @Test
    void batchOfManyShortBetsFitsOneFrame() {
        Bet shortBet = new Bet("A", "B", "1", "2000-01-01", 1);
        int fit = (Frames.MAX_PAYLOAD_BYTES - MessageEncoder.BATCH_HEADER_BYTES) / MessageEncoder.betBytes(shortBet);
        BetBatch batch = new BetBatch(1, 0, Collections.nCopies(fit, shortBet));

        assertEquals(batch, roundTrip(batch));
    }

    @Test
    void splitsLongWinnersListIntoPartsThatEachFitAFrame() {
        // given: far more documents than one frame holds
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            documents.add(String.format("%08d", i));
        }

        // when
        List<Winners> parts = Winners.partsOf(documents);

        // then: every part encodes within a frame, only the last is marked, and together they are the list
        assertTrue(parts.size() > 1);
        List<String> joined = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            assertEquals(i == parts.size() - 1, parts.get(i).last());
            assertTrue(payloadOf(parts.get(i)).length <= Frames.MAX_PAYLOAD_BYTES);
            joined.addAll(parts.get(i).documents());
        }
        assertEquals(documents, joined);
    }

    @Test
    void noWinnersIsOneEmptyLastPart() {
        assertEquals(List.of(new Winners(true, List.of())), Winners.partsOf(List.of()));
    }

    static EmbeddedChannel decoderChannel() {
        return new EmbeddedChannel(Frames.newDecoder(), MessageDecoder.INSTANCE);
    }

    /** One frame built by hand from the protocol's rule: the payload's length as a big-endian u32, then it. */
    static ByteBuf encode(Message message) {
        ByteBuf payload = Unpooled.buffer();
        MessageEncoder.encode(message, payload);
        ByteBuf wire = Unpooled.buffer().writeInt(payload.readableBytes()).writeBytes(payload);
        payload.release();
        return wire;
    }

    private static Message roundTrip(Message message) {
        EmbeddedChannel decoder = decoderChannel();
        decoder.writeInbound(encode(message));
        Message decoded = decoder.readInbound();
        assertFalse(decoder.finish());
        return decoded;
    }

    private static byte[] payloadOf(Message message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            MessageEncoder.encode(message, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    private static void decodePayload(byte[] payload) {
        EmbeddedChannel decoder = decoderChannel();
        try {
            decoder.writeInbound(Unpooled.buffer().writeInt(payload.length).writeBytes(payload));
            ReferenceCountUtil.release(decoder.readInbound());
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

}
