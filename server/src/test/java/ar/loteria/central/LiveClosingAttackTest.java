package ar.loteria.central;

import ar.loteria.codec.BetBatch;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Finish;
import ar.loteria.codec.Hello;
import ar.loteria.codec.ResultsRequest;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.SocketAgency;
import ar.loteria.testkit.WireFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static ar.loteria.central.LiveCentral.IDLE;
import static ar.loteria.central.LiveCentral.LOG_WAIT;
import static ar.loteria.central.LiveCentral.OTHER;
import static ar.loteria.central.LiveCentral.assertClosed;
import static ar.loteria.central.LiveCentral.bet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad frames and messages that close the connection, sent to the real central over sockets ({@link LiveCentral}):
 * each gets its ERROR and log line, the connection closes, and nobody else is harmed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveClosingAttackTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    /**
     * One attack: bytes sent on a connection that said HELLO for agency 2 (and had a batch acknowledged) or on a
     * connection that never said who it is.
     */
    record Attack(String name, boolean identified, byte[] bytes, ErrorCode code, String logLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String MALFORMED = "ERROR action: recibir_mensaje | result: fail";

    static Stream<Attack> closingAttacks() {
        byte[] goodName = ascii("Ana");
        byte[] goodDoc = ascii("12345678");
        byte[] goodDate = ascii("1990-01-01");
        return Stream.of(
                new Attack("length header 0", true, header(0), ErrorCode.MALFORMED_FRAME,
                        MALFORMED + " | agency: 2"),
                new Attack("length header 8189 (frame of 8 kB + 1)", true, header(8189), ErrorCode.FRAME_TOO_LONG,
                        "code: FRAME_TOO_LONG"),
                new Attack("length header 8193 (payload of 8 kB + 1)", true, header(8193),
                        ErrorCode.FRAME_TOO_LONG, "code: FRAME_TOO_LONG"),
                new Attack("length header 2^31-1", true, header(Integer.MAX_VALUE), ErrorCode.FRAME_TOO_LONG,
                        "code: FRAME_TOO_LONG"),
                new Attack("length header -1 (ff ff ff ff)", true, header(-1), ErrorCode.FRAME_TOO_LONG,
                        "code: FRAME_TOO_LONG"),
                new Attack("length header -2^31 (80 00 00 00)", true, header(Integer.MIN_VALUE),
                        ErrorCode.FRAME_TOO_LONG, "code: FRAME_TOO_LONG"),
                new Attack("unknown type 0x55", true, frame(0x55, 0, 0, 0, 2), ErrorCode.UNKNOWN_TYPE,
                        "code: UNKNOWN_TYPE"),
                new Attack("unknown type 0x00", true, frame(0x00), ErrorCode.UNKNOWN_TYPE, "code: UNKNOWN_TYPE"),
                new Attack("central-only type WELCOME sent to the central", true, WireFrames.bytes(new Welcome(2, 0)),
                        ErrorCode.UNKNOWN_TYPE, "WARN action: identificar | result: fail"),
                new Attack("truncated FINISH (3 of 8 body bytes)", true, frame(0x03, 0, 0, 0),
                        ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("truncated field: first_name says 9 bytes, 2 follow", true,
                        frame(bytes(b -> b.writeByte(0x02).writeInt(2).writeInt(1).writeShort(1).writeByte(9)
                                .writeBytes(ascii("An")))), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("truncated count: 2 bets announced, 1 sent", true,
                        frame(betsPayload(2, 1, 2, rawBet(goodName, goodName, goodDoc, goodDate, 5))),
                        ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("overlong RESULTS (a byte left over)", true, frame(0x04, 0, 0, 0, 2, 0x00),
                        ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("overlong BETS (a byte after the last bet)", true,
                        frame(concat(betsPayload(2, 1, 1, rawBet(goodName, goodName, goodDoc, goodDate, 5)),
                                new byte[] {7})), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("BETS with count 0", true, frame(betsPayload(2, 1, 0)), ErrorCode.MALFORMED_FRAME,
                        "code: MALFORMED_FRAME"),
                new Attack("invalid UTF-8 in a name (c3 28)", true,
                        frame(betsPayload(2, 1, 1, rawBet(new byte[] {(byte) 0xC3, 0x28}, goodName, goodDoc, goodDate,
                                5))), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("overlong UTF-8 encoding (c0 80)", true,
                        frame(betsPayload(2, 1, 1, rawBet(goodName, new byte[] {(byte) 0xC0, (byte) 0x80}, goodDoc,
                                goodDate, 5))), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("UTF-8 surrogate (ed a0 80)", true,
                        frame(betsPayload(2, 1, 1, rawBet(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, goodName,
                                goodDoc, goodDate, 5))), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("UTF-8 cut at the field's end (e2 82)", true,
                        frame(betsPayload(2, 1, 1, rawBet(goodName, goodName, goodDoc,
                                new byte[] {'1', '9', (byte) 0xE2, (byte) 0x82}, 5))), ErrorCode.MALFORMED_FRAME,
                        "code: MALFORMED_FRAME"),
                new Attack("invalid UTF-8 in the HELLO token", false,
                        frame(0x01, 1, 0, 0, 0, 2, 2, 0xFF, 0xFE), ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("second HELLO on one connection", true, WireFrames.bytes(new Hello(3, "")),
                        ErrorCode.BAD_HELLO, "WARN action: identificar | result: fail | agency: 2"),
                new Attack("HELLO with version 2", false, WireFrames.bytes(new Hello(2, 2, "")), ErrorCode.BAD_HELLO,
                        "WARN action: identificar | result: fail"),
                new Attack("HELLO for agency 0", false, WireFrames.bytes(new Hello(0, "")), ErrorCode.BAD_HELLO,
                        "WARN action: identificar | result: fail"),
                new Attack("BETS from a connection that never said HELLO", false,
                        WireFrames.bytes(new BetBatch(2, 0, List.of(bet(2, 0, 1)))), ErrorCode.NOT_IDENTIFIED,
                        "WARN action: identificar | result: fail | agency: null"),
                new Attack("FINISH from a connection that never said HELLO", false,
                        WireFrames.bytes(new Finish(2, 0)), ErrorCode.NOT_IDENTIFIED, "WARN action: identificar"),
                new Attack("RESULTS from a connection that never said HELLO", false,
                        WireFrames.bytes(new ResultsRequest(1)), ErrorCode.NOT_IDENTIFIED, "WARN action: identificar"),
                new Attack("bad frame followed by a valid batch in the same write", true,
                        concat(header(0), WireFrames.bytes(new BetBatch(2, 1, List.of(bet(2, 1, 7574))))),
                        ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("BETS before HELLO, then HELLO and a batch in the same write", false,
                        WireFrames.bytes(new BetBatch(2, 0, List.of(bet(2, 0, 1))), new Hello(2, ""),
                                new BetBatch(2, 0, List.of(bet(2, 0, 7574)))),
                        ErrorCode.NOT_IDENTIFIED, "WARN action: identificar | result: fail | agency: null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closingAttacks")
    void closingAttackGetsItsErrorClosesAndHarmsNobody(Attack attack) throws Exception {
        // given: agency 1 parked on RESULTS; the attacker's agency 2 has one acknowledged batch when identified
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency attacker = attack.identified() ? central.hello(OTHER) : central.connect();
        if (attack.identified()) {
            central.sendAcknowledged(attacker, OTHER, List.of(bet(OTHER, 0, 7574)));
        }

        // when
        attacker.sendRaw(attack.bytes());

        // then: the ERROR of the protocol, a log line, the connection closed
        ErrorReply error = assertInstanceOf(ErrorReply.class, attacker.receive());
        assertEquals(attack.code(), error.code(), error.reason());
        assertClosed(attacker);
        central.log().await(attack.logLine(), LOG_WAIT);

        // and the others go on: agency 2 reconnects where its acknowledged bets end, the draw answers agency 1
        central.otherAgencyCompletes(parked, null);
    }

    @ParameterizedTest(name = "token [{0}]")
    @ValueSource(strings = {"", "guess", "k7 ", "K7", "k7k7"})
    void wrongOrMissingTokenIsRefusedAndClosedWithNothingStored(String token) throws Exception {
        // given: agency 2 has a shared secret; agency 1 (parked) has none
        central.start(2, 100, IDLE, Map.of(OTHER, "k7"));
        SocketAgency parked = central.parkedAgency();

        // when: someone speaks for agency 2 without its token, and sends a batch right behind the HELLO
        SocketAgency impostor = central.connect();
        impostor.sendRaw(WireFrames.bytes(new Hello(OTHER, token), new BetBatch(OTHER, 0,
                List.of(bet(OTHER, 0, 7574)))));

        // then
        ErrorReply error = assertInstanceOf(ErrorReply.class, impostor.receive());
        assertEquals(ErrorCode.AUTH_FAILED, error.code());
        assertClosed(impostor);
        central.log().await("WARN action: identificar | result: fail | agency: null", LOG_WAIT);

        // and the real agency 2, with its token, finds nothing stored and completes
        SocketAgency real = central.connect();
        assertEquals(new Welcome(OTHER, 0), real.send(new Hello(OTHER, "k7")).receive());
        central.otherAgencyCompletes(parked, real);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 7574})
    void randomBytesGetAClosingErrorAndHarmNobody(long seed) throws Exception {
        // given
        central.start();
        SocketAgency parked = central.parkedAgency();
        Random random = new Random(seed);
        boolean identified = random.nextBoolean();
        SocketAgency attacker = identified ? central.hello(OTHER) : central.connect();
        byte[] noise = new byte[1 + random.nextInt(4096)];
        random.nextBytes(noise);
        if (random.nextBoolean()) {
            // a plausible length header, so the noise reaches the message decoder
            Unpooled.wrappedBuffer(noise).setInt(0, Math.min(noise.length - 4, 1 + random.nextInt(200)));
        }

        // when
        attacker.sendRaw(noise);

        // then: some closing error (which one depends on the noise), or a wait for the rest of a frame that ends
        // in IDLE_TIMEOUT; either way the connection is closed
        ErrorReply error = assertInstanceOf(ErrorReply.class, attacker.receive());
        assertTrue(error.code().closesConnection(), error.toString());
        assertClosed(attacker);
        central.otherAgencyCompletes(parked, null);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Raw frames
    // ---------------------------------------------------------------------------------------------------------

    private static byte[] bytes(Consumer<ByteBuf> writer) {
        ByteBuf buf = Unpooled.buffer();
        try {
            writer.accept(buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static byte[] header(int length) {
        return bytes(b -> b.writeInt(length));
    }

    /** A frame with a correct length header around {@code payload}. */
    private static byte[] frame(byte[] payload) {
        return bytes(b -> b.writeInt(payload.length).writeBytes(payload));
    }

    private static byte[] frame(int... payload) {
        byte[] bytes = new byte[payload.length];
        for (int i = 0; i < payload.length; i++) {
            bytes[i] = (byte) payload[i];
        }
        return frame(bytes);
    }

    private static byte[] betsPayload(long agency, long first, int count, byte[]... bets) {
        return bytes(b -> {
            b.writeByte(0x02).writeInt((int) agency).writeInt((int) first).writeShort(count);
            for (byte[] bet : bets) {
                b.writeBytes(bet);
            }
        });
    }

    private static byte[] rawBet(byte[] first, byte[] last, byte[] document, byte[] birthdate, int number) {
        return bytes(b -> {
            for (byte[] field : List.of(first, last, document, birthdate)) {
                b.writeByte(field.length).writeBytes(field);
            }
            b.writeShort(number);
        });
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
