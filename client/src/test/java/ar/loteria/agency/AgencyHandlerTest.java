package ar.loteria.agency;

import ar.loteria.agency.bets.BetCsvReader;
import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.bets.BetSource;
import ar.loteria.agency.bets.TestBets;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;
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
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conversation, with the test playing the central: decoded messages go in, the agency's messages come out.
 * The sender runs inline on the test thread, so everything is synchronous.
 */
class AgencyHandlerTest {

    private static final long AGENCY = 1;
    private static final AgencyTuning TUNING = new AgencyTuning(32, Duration.ofMillis(10), Duration.ofMillis(100),
            Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(1));

    private final CompletableFuture<AgencyOutcome> outcome = new CompletableFuture<>();

    @Test
    void saysHelloWithItsIdAndTokenFirst() throws Exception {
        // when
        EmbeddedChannel ch = channel(TestBets.bets(3, 0), Map.of("CLI_TOKEN", "s3cret"));

        // then
        assertEquals(List.of(new Hello(AGENCY, "s3cret")), outbound(ch));
        assertFalse(ch.finish());
    }

    @Test
    void afterWelcomeBatchesStartAtTheStoredCount() throws Exception {
        // given
        List<Bet> bets = TestBets.bets(25, 0);
        EmbeddedChannel ch = channel(bets, Map.of());
        outbound(ch);

        // when
        ch.writeInbound(new Welcome(AGENCY, 12));

        // then
        List<Message> sent = outbound(ch);
        assertEquals(List.of(new BetBatch(AGENCY, 12, bets.subList(12, 22)),
                new BetBatch(AGENCY, 22, bets.subList(22, 25))), sent);
        assertFalse(ch.finish());
    }

    @Test
    void finishCarriesTheTotalOnceEveryBatchIsAcknowledged() throws Exception {
        // given
        EmbeddedChannel ch = channel(TestBets.bets(25, 0), Map.of());
        outbound(ch);
        ch.writeInbound(new Welcome(AGENCY, 0));
        assertEquals(3, outbound(ch).size());

        // when
        ch.writeInbound(new BatchAck(0, 10));
        ch.writeInbound(new BatchAck(10, 10));
        List<Message> beforeLastAck = outbound(ch);
        ch.writeInbound(new BatchAck(20, 5));

        // then
        assertEquals(List.of(), beforeLastAck);
        assertEquals(List.of(new Finish(AGENCY, 25)), outbound(ch));
        assertFalse(ch.finish());
    }

    @Test
    void finishCountsSkippedBetsWhenEverythingWasStoredBefore() throws Exception {
        // given
        EmbeddedChannel ch = channel(TestBets.bets(25, 0), Map.of());
        outbound(ch);

        // when
        ch.writeInbound(new Welcome(AGENCY, 25));

        // then
        assertEquals(List.of(new Finish(AGENCY, 25)), outbound(ch));
        assertFalse(ch.finish());
    }

    @Test
    void asksForResultsAfterFinishAckAndWaitsWithoutFailing() throws Exception {
        // given
        EmbeddedChannel ch = channel(TestBets.bets(5, 0), Map.of());
        outbound(ch);
        ch.writeInbound(new Welcome(AGENCY, 0));
        ch.writeInbound(new BatchAck(0, 5));
        outbound(ch);

        // when
        ch.writeInbound(new FinishAck(AGENCY, 5));

        // then
        assertEquals(List.of(new ResultsRequest(AGENCY)), outbound(ch));
        assertFalse(outcome.isDone());
        assertTrue(ch.isActive());
        assertFalse(ch.finish());
    }

    @Test
    void collectsWinnersOverSeveralPartsThenEndsTheRun() throws Exception {
        // given
        EmbeddedChannel ch = waitingForResults();

        // when
        ch.writeInbound(new Winners(false, List.of("00000042", "123")));
        ch.writeInbound(new Winners(false, List.of()));
        boolean doneBeforeLast = outcome.isDone();
        ch.writeInbound(new Winners(true, List.of("999")));

        // then
        assertFalse(doneBeforeLast);
        assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, List.of("00000042", "123", "999")), outcome.getNow(null));
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"SHUTTING_DOWN", "SERVER_BUSY", "IDLE_TIMEOUT", "STORAGE_FAILURE"})
    void transientRefusalClosesWithoutEndingTheRun(ErrorCode code) throws Exception {
        // given: batches in flight
        EmbeddedChannel ch = channel(TestBets.bets(25, 0), Map.of());
        ch.writeInbound(new Welcome(AGENCY, 0));
        outbound(ch);

        // when: a refusal that says "not now"; the agency will connect again and resume from WELCOME
        ch.writeInbound(new ErrorReply(code, 0, "not now"));

        // then
        assertFalse(outcome.isDone());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @ParameterizedTest
    @EnumSource(value = ErrorCode.class, names = {"SHUTTING_DOWN", "SERVER_BUSY", "IDLE_TIMEOUT"})
    void transientRefusalWhileWaitingForTheDrawClosesWithoutEndingTheRun(ErrorCode code) throws Exception {
        // given
        EmbeddedChannel ch = waitingForResults();

        // when
        ch.writeInbound(new ErrorReply(code, 0, "not now"));

        // then
        assertFalse(outcome.isDone());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void drawClosedMidStreamFinishesWithTheBetsTheCentralHoldsAndAsksForTheWinners() throws Exception {
        try (LogCapture logs = LogCapture.attach()) {
            // given: 25 bets in batches of 10, all three in flight
            EmbeddedChannel ch = channel(TestBets.bets(25, 0), Map.of());
            outbound(ch);
            ch.writeInbound(new Welcome(AGENCY, 0));
            assertEquals(3, outbound(ch).size());

            // when: the first batch is stored, then the betting closes
            ch.writeInbound(new BatchAck(0, 10));
            ch.writeInbound(new ErrorReply(ErrorCode.DRAW_CLOSED, 10, "betting closed; agency 1 has 10 bets stored"));
            ch.writeInbound(new ErrorReply(ErrorCode.DRAW_CLOSED, 20, "betting closed; agency 1 has 10 bets stored"));
            List<Message> afterClose = outbound(ch);
            ch.writeInbound(new FinishAck(AGENCY, 10));
            List<Message> afterFinishAck = outbound(ch);
            ch.writeInbound(new Winners(true, List.of("00000042")));

            // then: FINISH with the 10 stored, RESULTS, and a successful end with the winners among them
            assertEquals(List.of(new Finish(AGENCY, 10)), afterClose);
            assertEquals(List.of(new ResultsRequest(AGENCY)), afterFinishAck);
            assertEquals(new AgencyOutcome(ExitStatus.SUCCESS, List.of("00000042")), outcome.getNow(null));
            assertEquals(List.of("INFO action: apuestas_cerradas | result: success | apuestas_almacenadas: 10 | "
                    + "apuestas_no_enviadas: 15"), logs.matching("apuestas_cerradas"));
            assertTrue(logs.contains("INFO action: consulta_ganadores | result: success | cant_ganadores: 1"));
            assertFalse(logs.contains("result: fail"), logs.texts().toString());
            assertFalse(ch.finish());
        }
    }

    @Test
    void drawClosedAtTheFirstBatchAfterARestartFinishesWithWhatWelcomeSaid() throws Exception {
        try (LogCapture logs = LogCapture.attach()) {
            // given: the central holds 12 of the 25 bets from an earlier connection
            EmbeddedChannel ch = channel(TestBets.bets(25, 0), Map.of());
            outbound(ch);
            ch.writeInbound(new Welcome(AGENCY, 12));
            outbound(ch);

            // when
            ch.writeInbound(new ErrorReply(ErrorCode.DRAW_CLOSED, 12, "the draw has already happened"));
            ch.writeInbound(new ErrorReply(ErrorCode.DRAW_CLOSED, 22, "the draw has already happened"));

            // then
            assertEquals(List.of(new Finish(AGENCY, 12)), outbound(ch));
            assertEquals(List.of("INFO action: apuestas_cerradas | result: success | apuestas_almacenadas: 12 | "
                    + "apuestas_no_enviadas: 13"), logs.matching("apuestas_cerradas"));
            assertFalse(outcome.isDone());
            assertTrue(ch.isActive());
            assertFalse(ch.finish());
        }
    }

    @Test
    void whileResultsIsParkedFinishIsSentAgainEveryAnswerTimeoutAndItsAnswerIsLetBe() throws Exception {
        // given: RESULTS parked, the default answer timeout of 5 s
        EmbeddedChannel ch = waitingForResults();
        ch.freezeTime();

        // when: two probe intervals, the first probe answered, the second refused by a failing store
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        List<Message> firstProbe = outbound(ch);
        ch.writeInbound(new FinishAck(AGENCY, 5));
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        List<Message> secondProbe = outbound(ch);
        ch.writeInbound(new ErrorReply(ErrorCode.STORAGE_FAILURE, 0, "the FINISH could not be recorded"));

        // then: the same FINISH each time; the connection waits on for the draw
        assertEquals(List.of(new Finish(AGENCY, 5)), firstProbe);
        assertEquals(List.of(new Finish(AGENCY, 5)), secondProbe);
        assertTrue(ch.isActive());
        assertFalse(outcome.isDone());
        ch.writeInbound(new Winners(true, List.of()));
        assertEquals(ExitStatus.SUCCESS, outcome.getNow(null).status());
        ch.advanceTimeBy(20, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(List.of(), outbound(ch), "no probe once the winners came");
        assertFalse(ch.finish());
    }

    @Test
    void aStorageRefusalIsCountedForTheRunAndTheNextAcknowledgementClearsIt() throws Exception {
        // given: a run's pacing, shared by its connections
        StoragePacing pacing = new StoragePacing(32, new SplittableRandom(1));
        List<Bet> bets = TestBets.bets(10, 0);
        EmbeddedChannel first = channel(config(Map.of()), BetInput.of("test", bets), pacing);
        first.writeInbound(new Welcome(AGENCY, 0));
        outbound(first);

        // when: the store refuses the batch; the next connection sends it again and it is taken
        first.writeInbound(new ErrorReply(ErrorCode.STORAGE_FAILURE, 0, "the database is unreachable"));
        int refusalsAfterFirst = pacing.refusals();
        int windowOfTheNext = pacing.firstWindow();
        EmbeddedChannel next = channel(config(Map.of()), BetInput.of("test", bets), pacing);
        outbound(next);
        next.writeInbound(new Welcome(AGENCY, 0));
        List<Message> resent = outbound(next);
        next.writeInbound(new BatchAck(0, 10));

        // then
        assertFalse(first.isOpen());
        assertEquals(1, refusalsAfterFirst);
        assertEquals(1, windowOfTheNext);
        assertEquals(List.of(new BetBatch(AGENCY, 0, bets)), resent);
        assertEquals(0, pacing.refusals());
        assertEquals(32, pacing.firstWindow());
        assertEquals(List.of(new Finish(AGENCY, 10)), outbound(next));
        assertFalse(outcome.isDone());
        first.finishAndReleaseAll();
        assertFalse(next.finish());
    }

    /** A message from the central that ends the run: sent after WELCOME or as the first reply. */
    record Ending(String name, int bets, boolean welcomed, Message reply, ExitStatus status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Ending> endings() {
        return Stream.of(
                new Ending("an ERROR reply", 5, true, new ErrorReply(ErrorCode.INVALID_BET, 0,
                        "birthdate in the future"), ExitStatus.REFUSED),
                new Ending("an acknowledgement out of sequence", 25, true, new BatchAck(10, 10), ExitStatus.REFUSED),
                new Ending("a message the agency does not expect", 5, false, new Winners(true, List.of()),
                        ExitStatus.REFUSED),
                new Ending("a WELCOME holding more bets than the file", 5, false, new Welcome(AGENCY, 9),
                        ExitStatus.BETS_FILE_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endings")
    void replyThatEndsTheRunClosesWithItsExitStatus(Ending ending) throws Exception {
        // given
        EmbeddedChannel ch = channel(TestBets.bets(ending.bets(), 0), Map.of());
        outbound(ch);
        if (ending.welcomed()) {
            ch.writeInbound(new Welcome(AGENCY, 0));
            outbound(ch);
        }

        // when
        ch.writeInbound(ending.reply());

        // then
        assertEquals(ending.status(), outcome.getNow(null).status());
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void badBetsLineEndsTheRunWithoutFinish() throws Exception {
        // given: line 3 of the file is bad
        String text = "Ana,Paz,1,1980-01-01,1\nAna,Paz,2,1980-01-01,2\nAna,Paz,x,1980-01-01,3\n";
        BetInput input = new BetInput() {
            @Override
            public String name() {
                return "bets.csv";
            }

            @Override
            public BetSource open() {
                return new BetCsvReader("bets.csv", new StringReader(text), LocalDate.now());
            }
        };
        EmbeddedChannel ch = channel(input, Map.of());
        outbound(ch);

        // when
        ch.writeInbound(new Welcome(AGENCY, 0));

        // then
        assertEquals(ExitStatus.BETS_FILE_ERROR, outcome.getNow(null).status());
        assertTrue(outbound(ch).stream().noneMatch(Finish.class::isInstance));
        assertFalse(ch.isOpen());
        assertFalse(ch.finish());
    }

    @Test
    void singleBetGoesAsABatchOfOneThenFinishes() throws Exception {
        // given
        Map<String, String> env = Map.of("NOMBRE", "Ana", "APELLIDO", "Núñez", "DOCUMENTO", "00000042",
                "NACIMIENTO", "1980-01-01", "NUMERO", "7574");
        Bet bet = new Bet("Ana", "Núñez", "00000042", "1980-01-01", 7574);
        AgencyConfig config = config(env);
        EmbeddedChannel ch = channel(config, BetInput.of("env", List.of(config.singleBet().orElseThrow())));
        outbound(ch);

        // when
        ch.writeInbound(new Welcome(AGENCY, 0));
        List<Message> batches = outbound(ch);
        ch.writeInbound(new BatchAck(0, 1));

        // then
        assertEquals(List.of(new BetBatch(AGENCY, 0, List.of(bet))), batches);
        assertEquals(List.of(new Finish(AGENCY, 1)), outbound(ch));
        assertFalse(ch.finish());
    }

    private EmbeddedChannel waitingForResults() throws Exception {
        EmbeddedChannel ch = channel(TestBets.bets(5, 0), Map.of());
        ch.writeInbound(new Welcome(AGENCY, 0));
        ch.writeInbound(new BatchAck(0, 5));
        ch.writeInbound(new FinishAck(AGENCY, 5));
        List<Message> sent = outbound(ch);
        assertInstanceOf(ResultsRequest.class, sent.get(sent.size() - 1));
        return ch;
    }

    private EmbeddedChannel channel(List<Bet> bets, Map<String, String> env) throws AgencyConfigException {
        return channel(BetInput.of("test", bets), env);
    }

    private EmbeddedChannel channel(BetInput input, Map<String, String> env) throws AgencyConfigException {
        return channel(config(env), input);
    }

    private EmbeddedChannel channel(AgencyConfig config, BetInput input) {
        return channel(config, input, new StoragePacing(TUNING.window(), new SplittableRandom(1)));
    }

    private EmbeddedChannel channel(AgencyConfig config, BetInput input, StoragePacing pacing) {
        AgencyRun run = new AgencyRun(config, input, TUNING, BatchSender::run, outcome, pacing);
        return new EmbeddedChannel(new AgencyHandler(run), new AgencyExceptionHandler(run, config.centrals().get(0)));
    }

    static AgencyConfig config(Map<String, String> env) throws AgencyConfigException {
        Map<String, String> all = new HashMap<>(env);
        all.put("CLI_ID", String.valueOf(AGENCY));
        return AgencyConfigLoader.load(Path.of("no-such-config.yaml"), all);
    }

    private static List<Message> outbound(EmbeddedChannel ch) {
        List<Message> messages = new ArrayList<>();
        for (Object msg = ch.readOutbound(); msg != null; msg = ch.readOutbound()) {
            messages.add((Message) msg);
        }
        return messages;
    }
}
