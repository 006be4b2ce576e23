package ar.loteria.central;

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
import ar.loteria.testkit.LogCapture;
import ar.loteria.testkit.SocketAgency;
import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real central on a loopback port, attacked over real sockets with every kind of bad input of the
 * hardening issue. Each attack must get the ERROR of {@code docs/PROTOCOL.md} section 5 and its log line, close
 * the connection exactly when the protocol says so, leave a healthy agency (one of them parked on RESULTS before
 * the draw) unaffected, and leave in the store exactly the acknowledged bets, read back with {@link StoreRows}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveAttackTest {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration LOG_WAIT = Duration.ofSeconds(5);
    private static final long PARKED = 1;
    private static final long OTHER = 2;

    @TempDir
    Path dir;

    private final List<CentralServer> servers = new ArrayList<>();
    private final List<SocketAgency> sockets = Collections.synchronizedList(new ArrayList<>());
    /** Every bet the central acknowledged as newly stored, per agency, in order. */
    private final Map<Long, List<Bet>> acknowledged = new LinkedHashMap<>();
    private LogCapture log;
    private CentralServer server;

    @BeforeEach
    void captureLog() {
        log = LogCapture.attach();
    }

    @AfterEach
    void stopEverything() throws IOException {
        for (SocketAgency socket : sockets) {
            socket.close();
        }
        servers.forEach(CentralServer::close);
        log.close();
    }

    private void start(int agencies, int maxConnections, Duration idle) throws Exception {
        start(agencies, maxConnections, idle, Map.of());
    }

    private void start(int agencies, int maxConnections, Duration idle, Map<Long, String> tokens) throws Exception {
        ServerConfig config = new ServerConfig(0, "server", 128, "INFO", Level.INFO, agencies, store(),
                maxConnections, idle, tokens);
        server = new CentralServer(config, null, 2);
        server.start();
        servers.add(server);
    }

    private void start() throws Exception {
        start(2, 100, IDLE);
    }

    private Path store() {
        return dir.resolve("bets.csv");
    }

    private SocketAgency connect() throws IOException {
        SocketAgency socket = new SocketAgency(server.port());
        sockets.add(socket);
        return socket;
    }

    /** Connects and says HELLO; WELCOME must report exactly the bets acknowledged so far. */
    private SocketAgency hello(long agency) throws IOException {
        SocketAgency socket = connect();
        assertEquals(new Welcome(agency, stored(agency)), socket.send(new Hello(agency, "")).receive());
        return socket;
    }

    private long stored(long agency) {
        return acknowledged.getOrDefault(agency, List.of()).size();
    }

    /** Sends a batch at the agency's next position; it must be acknowledged. */
    private void sendAcknowledged(SocketAgency socket, long agency, List<Bet> bets) throws IOException {
        long first = stored(agency);
        assertEquals(new BatchAck(first, bets.size()), socket.send(new BetBatch(agency, first, bets)).receive());
        acknowledged.computeIfAbsent(agency, a -> new ArrayList<>()).addAll(bets);
    }

    private static Bet bet(long agency, int i, int number) {
        return new Bet("Nombre" + i, "Apellido" + agency, String.format("%08d", agency * 1000 + i), "1990-01-01",
                number);
    }

    private List<Bet> bets(long agency, int count) {
        List<Bet> bets = new ArrayList<>();
        int from = (int) stored(agency);
        for (int i = from; i < from + count; i++) {
            bets.add(bet(agency, i, i % 2 == 0 ? 7574 : i));
        }
        return bets;
    }

    private List<String> winnersOf(long agency) {
        return acknowledged.getOrDefault(agency, List.of()).stream().filter(b -> b.number() == 7574)
                .map(Bet::document).toList();
    }

    /** Agency 1 sends its bets, finishes and asks for its winners before the draw: it is parked. */
    private SocketAgency parkedAgency() throws IOException {
        SocketAgency parked = hello(PARKED);
        sendAcknowledged(parked, PARKED, bets(PARKED, 3));
        assertEquals(new FinishAck(PARKED, 3), parked.send(new Finish(PARKED, 3)).receive());
        parked.send(new ResultsRequest(PARKED));
        return parked;
    }

    /**
     * Agency 2 (on {@code socket}, or a new connection) sends a batch and finishes, which draws; it and the parked
     * agency get their winners, and the store holds exactly the acknowledged bets.
     */
    private void otherAgencyCompletes(SocketAgency parked, SocketAgency socket) throws Exception {
        assertEquals(0, parked.available(), "the parked agency got nothing before the draw");
        SocketAgency other = socket != null ? socket : hello(OTHER);
        sendAcknowledged(other, OTHER, bets(OTHER, 2));
        long total = stored(OTHER);
        assertEquals(new FinishAck(OTHER, total), other.send(new Finish(OTHER, total)).receive());
        assertEquals(new Winners(true, winnersOf(OTHER)), other.send(new ResultsRequest(OTHER)).receive());
        assertEquals(new Winners(true, winnersOf(PARKED)), parked.receive());
        assertEquals(1, log.matching("action: sorteo | result: success").size(), "one draw");
        assertStoreHoldsExactlyTheAcknowledgedBets();
    }

    private void assertStoreHoldsExactlyTheAcknowledgedBets() throws IOException {
        assertEquals(StoreRows.rowsOf(acknowledged), StoreRows.byAgency(store()));
        String text = Files.readString(store(), StandardCharsets.UTF_8);
        assertTrue(text.isEmpty() || text.endsWith("\r\n"), "the file ends on a whole row");
    }

    private static void assertClosed(SocketAgency socket) throws IOException {
        assertTrue(socket.closedOrReset(), "the central closed the connection");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Bad frames and messages that close the connection
    // ---------------------------------------------------------------------------------------------------------

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
                new Attack("central-only type WELCOME sent to the central", true, messageFrame(new Welcome(2, 0)),
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
                new Attack("second HELLO on one connection", true, messageFrame(new Hello(3, "")),
                        ErrorCode.BAD_HELLO, "WARN action: identificar | result: fail | agency: 2"),
                new Attack("HELLO with version 2", false, messageFrame(new Hello(2, 2, "")), ErrorCode.BAD_HELLO,
                        "WARN action: identificar | result: fail"),
                new Attack("HELLO for agency 0", false, messageFrame(new Hello(0, "")), ErrorCode.BAD_HELLO,
                        "WARN action: identificar | result: fail"),
                new Attack("BETS from a connection that never said HELLO", false,
                        messageFrame(new BetBatch(2, 0, List.of(bet(2, 0, 1)))), ErrorCode.NOT_IDENTIFIED,
                        "WARN action: identificar | result: fail | agency: null"),
                new Attack("FINISH from a connection that never said HELLO", false,
                        messageFrame(new Finish(2, 0)), ErrorCode.NOT_IDENTIFIED, "WARN action: identificar"),
                new Attack("RESULTS from a connection that never said HELLO", false,
                        messageFrame(new ResultsRequest(1)), ErrorCode.NOT_IDENTIFIED, "WARN action: identificar"),
                new Attack("bad frame followed by a valid batch in the same write", true,
                        concat(header(0), messageFrame(new BetBatch(2, 1, List.of(bet(2, 1, 7574))))),
                        ErrorCode.MALFORMED_FRAME, "code: MALFORMED_FRAME"),
                new Attack("BETS before HELLO, then HELLO and a batch in the same write", false,
                        concat(messageFrame(new BetBatch(2, 0, List.of(bet(2, 0, 1)))), concat(
                                messageFrame(new Hello(2, "")),
                                messageFrame(new BetBatch(2, 0, List.of(bet(2, 0, 7574)))))),
                        ErrorCode.NOT_IDENTIFIED, "WARN action: identificar | result: fail | agency: null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closingAttacks")
    void closingAttackGetsItsErrorClosesAndHarmsNobody(Attack attack) throws Exception {
        // given: agency 1 parked on RESULTS; the attacker's agency 2 has one acknowledged batch when identified
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency attacker = attack.identified() ? hello(OTHER) : connect();
        if (attack.identified()) {
            sendAcknowledged(attacker, OTHER, List.of(bet(OTHER, 0, 7574)));
        }

        // when
        attacker.sendRaw(attack.bytes());

        // then: the ERROR of the protocol, a log line, the connection closed
        ErrorReply error = assertInstanceOf(ErrorReply.class, attacker.receive());
        assertEquals(attack.code(), error.code(), error.reason());
        assertClosed(attacker);
        log.await(attack.logLine(), LOG_WAIT);

        // and the others go on: agency 2 reconnects where its acknowledged bets end, the draw answers agency 1
        otherAgencyCompletes(parked, null);
    }

    @ParameterizedTest(name = "token [{0}]")
    @ValueSource(strings = {"", "guess", "k7 ", "K7", "k7k7"})
    void wrongOrMissingTokenIsRefusedAndClosedWithNothingStored(String token) throws Exception {
        // given: agency 2 has a shared secret; agency 1 (parked) has none
        start(2, 100, IDLE, Map.of(OTHER, "k7"));
        SocketAgency parked = parkedAgency();

        // when: someone speaks for agency 2 without its token, and sends a batch right behind the HELLO
        SocketAgency impostor = connect();
        impostor.sendRaw(concat(messageFrame(new Hello(OTHER, token)),
                messageFrame(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574))))));

        // then
        ErrorReply error = assertInstanceOf(ErrorReply.class, impostor.receive());
        assertEquals(ErrorCode.AUTH_FAILED, error.code());
        assertClosed(impostor);
        log.await("WARN action: identificar | result: fail | agency: null", LOG_WAIT);

        // and the real agency 2, with its token, finds nothing stored and completes
        SocketAgency real = connect();
        assertEquals(new Welcome(OTHER, 0), real.send(new Hello(OTHER, "k7")).receive());
        otherAgencyCompletes(parked, real);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 7574})
    void randomBytesGetAClosingErrorAndHarmNobody(long seed) throws Exception {
        // given
        start();
        SocketAgency parked = parkedAgency();
        Random random = new Random(seed);
        boolean identified = random.nextBoolean();
        SocketAgency attacker = identified ? hello(OTHER) : connect();
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
        otherAgencyCompletes(parked, null);
    }

    @Test
    void connectionThatNeverSaysWhoItIsIsClosedAfterTheIdleTimeout() throws Exception {
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency silent = connect();
        long started = System.nanoTime();

        ErrorReply error = assertInstanceOf(ErrorReply.class, silent.receive());

        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(silent);
        log.await("WARN action: identificar | result: fail", LOG_WAIT);
        otherAgencyCompletes(parked, null);
    }

    @Test
    void agencyThatStopsTalkingMidFrameIsClosedAfterTheIdleTimeout() throws Exception {
        // given
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency stalled = hello(OTHER);
        byte[] frame = messageFrame(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574))));

        // when: half a frame, then silence
        stalled.sendRaw(Arrays.copyOf(frame, frame.length / 2));
        long started = System.nanoTime();

        // then
        ErrorReply error = assertInstanceOf(ErrorReply.class, stalled.receive());
        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(stalled);
        log.await("WARN action: recibir_mensaje | result: fail | agency: 2", LOG_WAIT);
        otherAgencyCompletes(parked, null);
    }

    @Test
    void tricklingAgencyIsClosedAfterTheIdleTimeoutAndTheParkedAgencyIsUntouched() throws Exception {
        // given: a whole batch frame, sent one byte every 300 ms (it would take far longer than the timeout)
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency trickler = hello(OTHER);
        byte[] frame = messageFrame(new BetBatch(OTHER, 0, List.of(bet(OTHER, 0, 7574), bet(OTHER, 1, 1))));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        Future<Integer> sent = writer.submit(() -> {
            int i = 0;
            try {
                for (; i < frame.length && !stop.get(); i++) {
                    trickler.sendRaw(new byte[] {frame[i]});
                    Thread.sleep(300);
                }
            } catch (IOException closed) {
                // the central closed the connection under the trickle
            }
            return i;
        });

        // when / then: IDLE_TIMEOUT about the timeout after the first byte, and the connection is closed
        ErrorReply error = assertInstanceOf(ErrorReply.class, trickler.receive());
        stop.set(true);
        assertEquals(ErrorCode.IDLE_TIMEOUT, error.code());
        assertWithinIdleTimeout(started);
        assertClosed(trickler);
        assertTrue(sent.get(5, TimeUnit.SECONDS) < frame.length, "the frame was never completed");
        writer.shutdown();
        log.await("WARN action: recibir_mensaje | result: fail | agency: 2", LOG_WAIT);

        // and the parked agency was not touched: no reply yet, and its answer comes at the draw
        otherAgencyCompletes(parked, null);
    }

    private static void assertWithinIdleTimeout(long startedNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
        assertTrue(millis >= IDLE.toMillis() - 300 && millis < IDLE.toMillis() + 3_000,
                "closed after " + millis + " ms, timeout " + IDLE.toMillis() + " ms");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Refusals that keep the connection open
    // ---------------------------------------------------------------------------------------------------------

    /**
     * One message refused without closing; {@code message} gets agency 2's stored count. A bad bet sits between
     * two good ones, so a partial store would show.
     */
    record Refusal(String name, LongFunction<Message> message, ErrorCode code, String logLine) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Refusal badBet(String name, Bet bad) {
        return new Refusal(name, stored -> new BetBatch(OTHER, stored,
                List.of(bet(OTHER, (int) stored, 7574), bad, bet(OTHER, (int) stored + 2, 7574))),
                ErrorCode.INVALID_BET, "ERROR action: apuesta_recibida | result: fail | cantidad: 3 | agency: 2");
    }

    static Stream<Refusal> refusals() {
        String tomorrow = LocalDate.now().plusDays(2).toString();
        return Stream.of(
                badBet("empty first name", new Bet("", "Paz", "1", "1990-01-01", 1)),
                badBet("blank last name", new Bet("Ana", " \t ", "1", "1990-01-01", 1)),
                badBet("control character in a name", new Bet("An\u0001a", "Paz", "1", "1990-01-01", 1)),
                badBet("non-digit document", new Bet("Ana", "Paz", "12a45", "1990-01-01", 1)),
                badBet("empty document", new Bet("Ana", "Paz", "", "1990-01-01", 1)),
                badBet("document of 21 digits", new Bet("Ana", "Paz", "1".repeat(21), "1990-01-01", 1)),
                badBet("impossible date 2023-02-30", new Bet("Ana", "Paz", "1", "2023-02-30", 1)),
                badBet("not a date", new Bet("Ana", "Paz", "1", "1990/01/01", 1)),
                badBet("birth before 1900", new Bet("Ana", "Paz", "1", "1899-12-31", 1)),
                badBet("birth in the future", new Bet("Ana", "Paz", "1", tomorrow, 1)),
                badBet("number 10000", new Bet("Ana", "Paz", "1", "1990-01-01", 10_000)),
                badBet("number 65535", new Bet("Ana", "Paz", "1", "1990-01-01", 65_535)),
                new Refusal("batch for another agency", stored -> new BetBatch(3, stored, List.of(bet(3, 0, 1))),
                        ErrorCode.WRONG_AGENCY, "ERROR action: apuesta_recibida | result: fail | cantidad: 1"),
                new Refusal("FINISH for another agency", stored -> new Finish(3, 0), ErrorCode.WRONG_AGENCY,
                        "WARN action: identificar | result: fail | agency: 2"),
                new Refusal("RESULTS for another agency", stored -> new ResultsRequest(PARKED),
                        ErrorCode.WRONG_AGENCY, "WARN action: identificar | result: fail | agency: 2"),
                new Refusal("batch that leaves a gap", stored -> new BetBatch(OTHER, stored + 1,
                        List.of(bet(OTHER, 9, 1))), ErrorCode.OUT_OF_SEQUENCE,
                        "ERROR action: apuesta_recibida | result: fail | cantidad: 1 | agency: 2"),
                new Refusal("batch straddling the stored bets", stored -> new BetBatch(OTHER, stored - 1,
                        List.of(bet(OTHER, 9, 1), bet(OTHER, 10, 1))), ErrorCode.OUT_OF_SEQUENCE,
                        "ERROR action: apuesta_recibida | result: fail | cantidad: 2 | agency: 2"),
                new Refusal("FINISH with another total than stored", stored -> new Finish(OTHER, stored + 5),
                        ErrorCode.COUNT_MISMATCH, "ERROR action: fin_apuestas | result: fail | agency: 2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusedMessageStoresNothingAndTheConversationGoesOn(Refusal refusal) throws Exception {
        // given: agency 2 has one acknowledged batch of 2
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency agency = hello(OTHER);
        sendAcknowledged(agency, OTHER, bets(OTHER, 2));
        Message message = refusal.message().apply(stored(OTHER));

        // when
        ErrorReply error = assertInstanceOf(ErrorReply.class, agency.send(message).receive());

        // then: the refusal names the batch it is about, and nothing of the batch is in the file
        assertEquals(refusal.code(), error.code(), error.reason());
        assertEquals(message instanceof BetBatch batch ? batch.first() : 0, error.ref());
        if (refusal.code() == ErrorCode.INVALID_BET) {
            assertTrue(error.reason().startsWith("bet " + (stored(OTHER) + 1) + " - "), error.reason());
        }
        log.await(refusal.logLine(), LOG_WAIT);
        assertStoreHoldsExactlyTheAcknowledgedBets();

        // and the same connection carries on and completes, and the parked agency gets its winners at the draw
        otherAgencyCompletes(parked, agency);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages out of order
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void betsAfterOwnFinishAreRefusedOnAnyConnection() throws Exception {
        // given: agency 1 has finished (and waits for its results)
        start();
        SocketAgency parked = parkedAgency();

        // when: it sends more bets on another connection
        SocketAgency late = hello(PARKED);
        BetBatch batch = new BetBatch(PARKED, stored(PARKED), List.of(bet(PARKED, 3, 7574)));
        ErrorReply error = assertInstanceOf(ErrorReply.class, late.send(batch).receive());

        // then: refused, not stored, the connection open
        assertEquals(ErrorCode.BETS_AFTER_FINISH, error.code());
        assertEquals(batch.first(), error.ref());
        log.await("ERROR action: apuesta_recibida | result: fail | cantidad: 1 | agency: 1", LOG_WAIT);
        late.send(new ResultsRequest(PARKED));
        otherAgencyCompletes(parked, null);
        assertEquals(new Winners(true, winnersOf(PARKED)), late.receive());
    }

    @Test
    void resultsBeforeAnyBetWaitForTheDraw() throws Exception {
        // given: agency 2 asks for its results before sending a single bet
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency early = hello(OTHER);
        early.send(new ResultsRequest(OTHER));
        assertNull(early.receiveWithin(300), "no answer before the draw");

        // when: agency 2 sends its bets on another connection and finishes
        otherAgencyCompletes(parked, null);

        // then: the early request is answered at the draw with the winners of the bets sent afterwards
        assertEquals(new Winners(true, winnersOf(OTHER)), early.receive());
    }

    @Test
    void secondFinishIsAcknowledgedButCountsOnce() throws Exception {
        // given: agency 1 finished
        start();
        SocketAgency parked = parkedAgency();

        // when: it finishes again, on another connection
        SocketAgency again = hello(PARKED);
        assertEquals(new FinishAck(PARKED, 3), again.send(new Finish(PARKED, 3)).receive());

        // then: no draw yet (two distinct agencies are needed), so agency 2 can still send bets
        assertTrue(log.matching("action: sorteo").isEmpty());
        assertEquals(1, log.matching("action: fin_apuestas | result: success | agency: 1").size());
        otherAgencyCompletes(parked, null);
    }

    @Test
    void betsAfterTheDrawAreRefused() throws Exception {
        // given: the draw has happened
        start();
        SocketAgency parked = parkedAgency();
        otherAgencyCompletes(parked, null);

        // when: a third agency shows up with bets
        SocketAgency late = hello(3);
        ErrorReply error = assertInstanceOf(ErrorReply.class,
                late.send(new BetBatch(3, 0, List.of(bet(3, 0, 7574)))).receive());

        // then
        assertEquals(ErrorCode.DRAW_CLOSED, error.code());
        assertEquals(new Winners(true, List.of()), late.send(new ResultsRequest(3)).receive());
        assertStoreHoldsExactlyTheAcknowledgedBets();
    }

    // ---------------------------------------------------------------------------------------------------------
    // An agency that dies mid-batch
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void frameCutByAClosedConnectionStoresNothingOfItAndTheAgencyResumes() throws Exception {
        // given: agency 2 has one batch acknowledged
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency dying = hello(OTHER);
        sendAcknowledged(dying, OTHER, bets(OTHER, 5));
        List<Bet> cut = bets(OTHER, 4);
        byte[] frame = messageFrame(new BetBatch(OTHER, stored(OTHER), cut));

        // when: the next batch's frame stops halfway and the connection closes
        dying.sendRaw(Arrays.copyOf(frame, frame.length - 7));
        dying.close();

        // then: the agency reconnects, WELCOME says where its stored bets end
        SocketAgency back = hello(OTHER);
        assertStoreHoldsExactlyTheAcknowledgedBets();
        // and a resent batch that is wholly stored is acknowledged again, not stored twice
        assertEquals(new BatchAck(0, 5), back.send(new BetBatch(OTHER, 0, acknowledged.get(OTHER))).receive());
        sendAcknowledged(back, OTHER, cut);
        otherAgencyCompletes(parked, back);
    }

    @Test
    void agencyResetMidWindowLosesOnlyUnstoredWholeBatches() throws Exception {
        // given: agency 2 pipelines three whole batches and half of a fourth, reading no ACK
        start();
        SocketAgency parked = parkedAgency();
        SocketAgency dying = hello(OTHER);
        List<Bet> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(bet(OTHER, i, i % 3 == 0 ? 7574 : i));
        }
        ByteBuf window = Unpooled.buffer();
        for (int b = 0; b < 4; b++) {
            window.writeBytes(messageFrame(new BetBatch(OTHER, b * 4L, all.subList(b * 4, b * 4 + 4))));
        }
        byte[] bytes = ByteBufUtil.getBytes(window, 0, window.readableBytes() - 9);
        window.release();

        // when: the process dies (a reset, not an orderly close)
        dying.sendRaw(bytes);
        dying.abort();

        // then: whatever the central stored is whole batches, and WELCOME says how many bets
        SocketAgency back = connect();
        Welcome welcome = assertInstanceOf(Welcome.class, back.send(new Hello(OTHER, "")).receive());
        long stored = welcome.stored();
        assertTrue(stored % 4 == 0 && stored <= 12, "stored " + stored + " is not a batch boundary of the window");
        acknowledged.put(OTHER, new ArrayList<>(all.subList(0, (int) stored)));
        assertStoreHoldsExactlyTheAcknowledgedBets();

        // and the agency resends from there and completes
        sendAcknowledged(back, OTHER, all.subList((int) stored, all.size()));
        otherAgencyCompletes(parked, back);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Too many connections
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void connectionsBeyondTheLimitAreRefusedAndTheCentralStaysUp() throws Exception {
        // given: at most 5 connections, and an idle timeout long enough not to interfere
        start(1, 5, Duration.ofSeconds(20));
        int attempts = 20;

        // when: 20 connections at once
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SocketAgency>> connecting = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            connecting.add(pool.submit(() -> {
                go.await();
                return connect();
            }));
        }
        go.countDown();
        List<SocketAgency> crowd = new ArrayList<>();
        for (Future<SocketAgency> future : connecting) {
            crowd.add(future.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();
        awaitOpenConnections(5);

        // then: exactly 5 are kept; every other one got SERVER_BUSY and was closed
        List<SocketAgency> kept = new ArrayList<>();
        int busy = 0;
        for (SocketAgency socket : crowd) {
            Message reply = socket.receiveWithin(200);
            if (reply == null) {
                kept.add(socket);
            } else {
                assertEquals(ErrorCode.SERVER_BUSY, assertInstanceOf(ErrorReply.class, reply).code());
                assertClosed(socket);
                busy++;
            }
        }
        assertEquals(5, kept.size());
        assertEquals(attempts - 5, busy);
        assertEquals(attempts - 5, log.matching("WARN action: aceptar_conexion | result: fail").size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(new Welcome(10 + i, 0), kept.get(i).send(new Hello(10 + i, "")).receive());
        }

        // and once they leave, a normal agency is served from start to winners
        for (SocketAgency socket : kept) {
            socket.close();
        }
        awaitOpenConnections(0);
        SocketAgency agency = hello(PARKED);
        sendAcknowledged(agency, PARKED, bets(PARKED, 4));
        assertEquals(new FinishAck(PARKED, 4), agency.send(new Finish(PARKED, 4)).receive());
        assertEquals(new Winners(true, winnersOf(PARKED)), agency.send(new ResultsRequest(PARKED)).receive());
        assertStoreHoldsExactlyTheAcknowledgedBets();
    }

    private void awaitOpenConnections(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (server.openConnections() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, server.openConnections());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Text the CSV must quote
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void fieldsWithCommasQuotesAndLineBreaksAreStoredAndReadBackIdentical() throws Exception {
        // given
        start();
        SocketAgency parked = parkedAgency();
        List<Bet> tricky = List.of(
                new Bet("Ana, \"la\"", "O\"Neil, Jr", "00000042", "2000-02-29", 7574),
                new Bet("Lo\r\npez", "x\ny", "1", "1950-01-01", 0),
                new Bet("a\rb", "\"q\"", "7", "1970-12-31", 7574),
                new Bet(" lead", "trail ", "5", "1960-06-30", 9999),
                new Bet("María José", "Ñandú\tTab", "30904465", "1999-03-17", 1),
                new Bet("\"", ",", "8", "1980-01-01", 2),
                new Bet("\r\nB", "\"\"", "9", "1980-01-01", 3));

        // when
        SocketAgency agency = hello(OTHER);
        sendAcknowledged(agency, OTHER, tricky);

        // then: every field reads back identical, and one row is byte for byte what csv.writer writes
        assertStoreHoldsExactlyTheAcknowledgedBets();
        assertTrue(Files.readString(store(), StandardCharsets.UTF_8)
                .contains("2,\"Ana, \"\"la\"\"\",\"O\"\"Neil, Jr\",00000042,2000-02-29,7574\r\n"));
        // and the draw reads the same documents back
        otherAgencyCompletes(parked, agency);
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

    static byte[] messageFrame(Message message) {
        ByteBuf frame = AgencyWire.frame(message);
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
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
