package ar.loteria.central.status;

import ar.loteria.central.status.HttpExchange.Reply;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status port's pipeline in an {@code EmbeddedChannel}: routing, rendering, refusals, token and deadlines. */
class StatusPipelineTest {

    private static final Duration IDLE = Duration.ofSeconds(30);
    private static final Duration HEAD = Duration.ofSeconds(10);

    private static final Duration METRICS_MAX_AGE = Duration.ofMillis(250);

    private final FakeSource source = new FakeSource();
    private final AtomicLong nanos = new AtomicLong();
    private final EmbeddedChannel ticker = new EmbeddedChannel();
    private final EventStream events = new EventStream(source, ticker.eventLoop(), Duration.ofMillis(250), 8);
    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final List<HttpExchange> exchanges = new ArrayList<>();
    private static final Duration PROBE = Duration.ofSeconds(1);

    private HttpConnectionLimitHandler limit = new HttpConnectionLimitHandler(8, 2, PROBE);
    private String token;

    private HttpExchange connect() {
        StatusRequestHandler requests = new StatusRequestHandler(source,
                new StatusMetrics(source, METRICS_MAX_AGE, nanos::get), events, token);
        HttpExchange exchange = new HttpExchange(new EmbeddedChannel(DefaultChannelId.newInstance(),
                new StatusInitializer(connections, limit, requests, IDLE, HEAD)));
        exchanges.add(exchange);
        return exchange;
    }

    @AfterEach
    void closeChannels() {
        exchanges.forEach(HttpExchange::close);
        ticker.finishAndReleaseAll();
    }

    private static AgencyStatus agency(long id, int connections, long bets, boolean finished) {
        return new AgencyStatus(id, connections, bets, finished, -1);
    }

    @Test
    void healthIsUpWhateverTheReadiness() {
        // given
        source.readiness = Readiness.STOPPING;
        HttpExchange http = connect();

        // when
        Reply health = http.get("/health").response();

        // then
        assertEquals(200, health.status());
        assertEquals("{\"status\":\"up\"}", health.body());
        assertEquals(HttpReplies.JSON, health.header(HttpHeaderNames.CONTENT_TYPE));
        assertEquals("no-store", health.header(HttpHeaderNames.CACHE_CONTROL));
    }

    @Test
    void readyIs503WhileStartingAndStoppingAnd200InBetween() {
        // given
        HttpExchange http = connect();

        // when / then: one keep-alive connection asks three times
        source.readiness = Readiness.STARTING;
        Reply starting = http.get("/ready").response();
        assertEquals(503, starting.status());
        assertEquals("{\"ready\":false,\"state\":\"starting\"}", starting.body());
        source.readiness = Readiness.READY;
        Reply ready = http.get("/ready").response();
        assertEquals(200, ready.status());
        assertEquals("{\"ready\":true,\"state\":\"ready\"}", ready.body());
        source.readiness = Readiness.STOPPING;
        assertEquals(503, http.get("/ready").response().status());
        assertTrue(http.server().isActive(), "keep-alive: the connection stays open between requests");
    }

    @Test
    void statusJsonIsThePublishedSnapshotInCountsOnly() {
        // given
        source.status = FakeSource.drawn(FakeSource.status(250, 2, List.of(
                new AgencyStatus(1, 1, 30, true, 2), new AgencyStatus(2, 0, 10, true, 0))),
                FakeSource.T0.plusMillis(200), 3);
        source.openConnections = 4;
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/status.json?fresh=1").response();

        // then
        assertEquals(200, reply.status());
        assertEquals("{\"state\":\"ready\",\"connections\":4,\"at\":\"2026-12-01T10:00:00.250Z\","
                + "\"agenciesExpected\":2,\"agenciesFinished\":2,\"agenciesConnected\":1,\"agenciesNotFinished\":0,"
                + "\"closesAt\":null,\"drawn\":true,"
                + "\"drawnAt\":\"2026-12-01T10:00:00.200Z\",\"winners\":2,\"betsStored\":40,\"batchesStored\":4,"
                + "\"batchesRefused\":{\"INVALID_BET\":3},\"resultsWaiting\":0,\"storeBytes\":2000,"
                + "\"ingest\":[[1796119200250,40]],"
                + "\"agencies\":[{\"agency\":1,\"connections\":1,\"betsStored\":30,\"finished\":true,\"winners\":2},"
                + "{\"agency\":2,\"connections\":0,\"betsStored\":10,\"finished\":true,\"winners\":0}]}",
                reply.body());
    }

    @Test
    void aCloseOfBettingIsInTheStatusAndTheMetrics() {
        // given: betting closes at T0 + 90 s; one of three agencies finished
        Instant closesAt = FakeSource.T0.plusSeconds(90);
        source.status = FakeSource.closing(FakeSource.status(0, 3, List.of(agency(1, 1, 10, true),
                agency(2, 1, 5, false))), closesAt);
        HttpExchange http = connect();

        // when
        String json = http.get("/status.json").response().body();
        List<String> metrics = http.get("/metrics").response().body().lines().toList();

        // then
        assertTrue(json.contains("\"agenciesNotFinished\":2,\"closesAt\":\"2026-12-01T10:01:30Z\""), json);
        assertEquals(List.of((double) closesAt.getEpochSecond()), metrics.stream()
                .filter(line -> line.startsWith("lottery_draw_close_timestamp_seconds "))
                .map(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).toList());
        assertTrue(metrics.contains("lottery_agencies_not_finished 2.0"), String.join("\n", metrics));
    }

    @Test
    void statusJsonBeforeTheStoreIsOpenSaysStarting() {
        // given
        source.readiness = Readiness.STARTING;
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/status.json").response();

        // then
        assertEquals("{\"state\":\"starting\",\"connections\":0}", reply.body());
    }

    @Test
    void metricsAreThePrometheusTextOfTheSnapshotAndTheJvm() {
        // given
        source.status = FakeSource.drawn(FakeSource.status(0, 3, List.of(agency(1, 1, 1234, true),
                agency(2, 2, 766, false))), FakeSource.T0, 7);
        source.openConnections = 5;
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/metrics").response();

        // then
        assertEquals(200, reply.status());
        assertTrue(reply.header(HttpHeaderNames.CONTENT_TYPE).startsWith("text/plain; version=0.0.4"),
                reply.header(HttpHeaderNames.CONTENT_TYPE));
        List<String> lines = reply.body().lines().toList();
        assertTrue(lines.contains("# TYPE lottery_bets_stored_total counter"), reply.body());
        assertTrue(lines.contains("lottery_bets_stored_total 2000.0"), reply.body());
        assertTrue(lines.contains("lottery_batches_total 200.0"), reply.body());
        assertTrue(lines.contains("lottery_batches_refused_total{code=\"INVALID_BET\"} 7.0"), reply.body());
        assertTrue(lines.contains("lottery_batches_refused_total{code=\"OUT_OF_SEQUENCE\"} 0.0"), reply.body());
        assertTrue(lines.contains("# TYPE lottery_connections gauge"), reply.body());
        assertTrue(lines.contains("lottery_connections 5.0"), reply.body());
        assertTrue(lines.contains("lottery_agencies_connected 2.0"), reply.body());
        assertTrue(lines.contains("lottery_agencies_expected 3.0"), reply.body());
        assertTrue(lines.contains("lottery_agencies_finished 1.0"), reply.body());
        assertTrue(lines.contains("lottery_agencies_not_finished 2.0"), reply.body());
        assertTrue(lines.contains("lottery_draw_completed 1.0"), reply.body());
        assertTrue(lines.contains("lottery_store_bytes 100000.0"), reply.body());
        assertTrue(lines.stream().noneMatch(line -> line.startsWith("lottery_draw_close")), "no close configured");
        assertTrue(lines.contains("lottery_ready 1.0"), reply.body());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("jvm_memory_used_bytes{")), reply.body());
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("jvm_threads_current ")), reply.body());
    }

    @Test
    void aRenderOfTheMetricsIsServedAgainForAsLongAsAStatusLasts() {
        // given: one scrape
        source.status = FakeSource.status(0, 1, List.of(agency(1, 1, 10, false)));
        HttpExchange http = connect();
        assertTrue(http.get("/metrics").response().body().contains("lottery_bets_stored_total 10.0"));

        // when: the status moves on, and the scrapers ask again before and after one publication period
        source.status = FakeSource.status(250, 1, List.of(agency(1, 1, 25, false)));
        nanos.addAndGet(METRICS_MAX_AGE.toNanos() - 1);
        String soon = http.get("/metrics").response().body();
        String openMetrics = http.get("/metrics", "Accept: application/openmetrics-text; version=1.0.0").response()
                .body();
        nanos.addAndGet(1);
        String later = http.get("/metrics").response().body();

        // then
        assertTrue(soon.contains("lottery_bets_stored_total 10.0"), "the same render: " + soon);
        assertTrue(openMetrics.contains("lottery_bets_stored_total 25.0"), "another format is another render");
        assertTrue(later.contains("lottery_bets_stored_total 25.0"), later);
    }

    @Test
    void metricsSpeakOpenMetricsWhenAskedTo() {
        // given
        source.status = FakeSource.status(0, 1, List.of(agency(1, 1, 10, false)));
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/metrics", "Accept: application/openmetrics-text; version=1.0.0").response();

        // then
        assertTrue(reply.header(HttpHeaderNames.CONTENT_TYPE).startsWith("application/openmetrics-text"));
        assertTrue(reply.body().contains("lottery_bets_stored_total 10.0"), reply.body());
        assertTrue(reply.body().endsWith("# EOF\n"), reply.body());
    }

    @Test
    void metricsBeforeTheStoreIsOpenHoldOnlyWhatIsKnown() {
        // given
        source.readiness = Readiness.STARTING;
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/metrics").response();

        // then
        assertEquals(200, reply.status());
        assertTrue(reply.body().contains("lottery_ready 0.0"), reply.body());
        assertFalse(reply.body().contains("lottery_bets_stored_total"), reply.body());
    }

    @Test
    void thePageIsOneSelfContainedDocumentWhosePolicyAllowsOnlyItsOwnCode() {
        // given
        HttpExchange http = connect();

        // when
        Reply page = http.get("/").response();

        // then
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header(HttpHeaderNames.CONTENT_TYPE));
        String policy = page.header(HttpHeaderNames.CONTENT_SECURITY_POLICY);
        assertTrue(policy.startsWith("default-src 'none'; script-src 'sha256-"), policy);
        assertTrue(policy.contains("connect-src 'self'"), policy);
        assertFalse(policy.contains("unsafe-inline"), policy);
        String html = page.body();
        assertTrue(html.contains("new EventSource(new URL(\"events\", location.origin + location.pathname))"));
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "no external asset");
        assertFalse(html.contains("@import"), "no external style sheet");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nothing", "/metrics/", "/status", "/../etc/passwd"})
    void anUnknownPathIs404AndTheConnectionCloses(String path) {
        // given
        HttpExchange http = connect();

        // when
        Reply reply = http.get(path).response();

        // then
        assertEquals(404, reply.status());
        assertEquals("close", reply.header(HttpHeaderNames.CONNECTION));
        assertFalse(http.server().isActive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE"})
    void anyMethodButGetIs405AndCloses(String method) {
        // given
        HttpExchange http = connect();

        // when
        http.send(method + " /health HTTP/1.1\r\nHost: central\r\nContent-Length: 0\r\n\r\n");

        // then: read as raw text, since a client decoder would wait for the body of a HEAD answer
        String written = http.written();
        assertTrue(written.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), written);
        assertTrue(written.contains("\r\nallow: GET\r\n"), written);
        assertFalse(http.server().isActive());
    }

    /** Requests the codec or the router will not serve, each with the status it gets. */
    static Stream<Arguments> unreadableRequests() {
        return Stream.of(
                Arguments.of("a GET with a body", 413,
                        "GET /health HTTP/1.1\r\nHost: central\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("headers over 8 kB", 431, "GET /health HTTP/1.1\r\nHost: central\r\nX-Padding: "
                        + "a".repeat(StatusInitializer.MAX_HEADER_BYTES) + "\r\n\r\n"),
                Arguments.of("a request line over 4 kB", 414,
                        "GET /" + "a".repeat(StatusInitializer.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n"),
                Arguments.of("the lottery's own protocol, sent to the wrong port", 400,
                        "\u0000\u0000\u0000\u0005\u0001hello\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("unreadableRequests")
    void aRequestThatCannotBeServedGetsItsStatusAndAClose(String what, int status, String request) {
        // given
        HttpExchange http = connect();

        // when
        http.send(request);

        // then
        assertEquals(status, http.response().status());
        assertFalse(http.server().isActive());
    }

    @Test
    void withATokenEveryPathButHealthNeedsIt() {
        // given
        token = "s3cret";
        HttpExchange http = connect();

        // when / then
        assertEquals(200, http.get("/health").response().status());
        Reply refused = http.get("/status.json").response();
        assertEquals(401, refused.status());
        assertEquals(List.of("Bearer realm=\"lottery status\"", "Basic realm=\"lottery status\", charset=\"UTF-8\""),
                refused.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE));
        assertFalse(http.server().isActive());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer s3cret", "bearer s3cret", "Basic OPERATOR:s3cret"})
    void theTokenIsTakenAsBearerOrAsABasicPassword(String authorization) {
        // given
        token = "s3cret";
        HttpExchange http = connect();
        String header = authorization.startsWith("Basic ") ? "Basic " + Base64.getEncoder().encodeToString(
                authorization.substring(6).getBytes(StandardCharsets.UTF_8)) : authorization;

        // when
        Reply reply = http.get("/metrics", "Authorization: " + header).response();

        // then
        assertEquals(200, reply.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer s3cre", "Bearer s3crett", "Bearer ", "Basic !!!", "Token s3cret"})
    void aWrongTokenIs401(String authorization) {
        // given
        token = "s3cret";
        HttpExchange http = connect();

        // when
        Reply reply = http.get("/", "Authorization: " + authorization).response();

        // then
        assertEquals(401, reply.status());
    }

    @Test
    void aRequestHeadThatDoesNotCompleteInTimeIs408AndCloses() {
        // given: half a request head, on a clock that moves only when the test says
        HttpExchange http = connect();
        http.server().freezeTime();
        http.send("GET /health HTTP/1.1\r\nHost: cen");

        // when
        http.server().advanceTimeBy(HEAD.toMillis() - 1, TimeUnit.MILLISECONDS);
        http.server().runScheduledPendingTasks();
        assertTrue(http.server().isActive(), "still within the deadline");
        http.server().advanceTimeBy(2, TimeUnit.MILLISECONDS);
        http.server().runScheduledPendingTasks();

        // then
        assertEquals(408, http.response().status());
        assertFalse(http.server().isActive());
    }

    @Test
    void anIdleConnectionIsClosedWithoutAWordAfterTheIdleTime() {
        // given: one answered request, then silence
        HttpExchange http = connect();
        http.server().freezeTime();
        assertEquals(200, http.get("/health").response().status());

        // when
        http.server().advanceTimeBy(IDLE.toMillis() + 1, TimeUnit.MILLISECONDS);
        http.server().runScheduledPendingTasks();

        // then
        assertTrue(http.responses().isEmpty());
        assertFalse(http.server().isActive());
    }

    @Test
    void connectionsBeyondTheLimitAndItsReserveAre503AndClosedBeforeAnythingIsRead() {
        // given: the limit and the reserve taken
        limit = new HttpConnectionLimitHandler(2, 1, PROBE);
        HttpExchange first = connect();
        HttpExchange second = connect();
        HttpExchange reserve = connect();

        // when
        HttpExchange fourth = connect();

        // then
        Reply busy = fourth.response();
        assertEquals(503, busy.status());
        assertNotNull(busy.header(HttpHeaderNames.RETRY_AFTER));
        assertFalse(fourth.server().isActive());
        assertEquals(200, first.get("/health").response().status());
        assertEquals(200, second.get("/health").response().status());
        assertTrue(reserve.server().isActive());
        // A place freed is a place for the next one.
        first.server().close();
        assertEquals(200, connect().get("/health").response().status());
    }

    @Test
    void beyondTheLimitHealthAndReadyAreAnsweredOnceAndClosedAndNothingElseIs() {
        // given: the limit taken
        limit = new HttpConnectionLimitHandler(2, 2, PROBE);
        HttpExchange first = connect();
        HttpExchange second = connect();

        // when
        HttpExchange health = connect().get("/health");
        HttpExchange ready = connect().get("/ready?probe=1");
        HttpExchange status = connect().get("/status.json");

        // then: each probe answered, then closed, so its place is free again
        assertEquals(200, health.response().status());
        assertFalse(health.server().isActive());
        assertEquals(200, ready.response().status());
        assertFalse(ready.server().isActive());
        Reply refused = status.response();
        assertEquals(503, refused.status());
        assertEquals("5", refused.header(HttpHeaderNames.RETRY_AFTER));
        assertFalse(status.server().isActive());
        assertTrue(first.server().isActive() && second.server().isActive());
    }

    @Test
    void aConnectionOfTheReserveThatDoesNotAskInTimeIsClosed() {
        // given: the limit taken, and a connection of the reserve that sends half a request
        limit = new HttpConnectionLimitHandler(1, 1, PROBE);
        connect();
        HttpExchange slow = connect();
        slow.server().freezeTime();
        slow.send("GET /heal");

        // when (the deadline runs from the connection's start, a moment before the clock was frozen)
        slow.server().advanceTimeBy(PROBE.toMillis() / 2, TimeUnit.MILLISECONDS);
        slow.server().runScheduledPendingTasks();
        assertTrue(slow.server().isActive(), "within the deadline");
        slow.server().advanceTimeBy(PROBE.toMillis() / 2 + 1, TimeUnit.MILLISECONDS);
        slow.server().runScheduledPendingTasks();

        // then: closed, and its place is there for the next probe
        assertFalse(slow.server().isActive());
        assertEquals(200, connect().get("/health").response().status());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        // given
        source.readiness = Readiness.STARTING;
        HttpExchange http = connect();

        // when
        http.send("GET /health HTTP/1.1\r\nHost: c\r\n\r\nGET /ready HTTP/1.1\r\nHost: c\r\n\r\n");

        // then
        List<io.netty.handler.codec.http.FullHttpResponse> responses = http.responses();
        assertEquals(List.of(200, 503), responses.stream().map(r -> r.status().code()).toList());
        responses.forEach(io.netty.handler.codec.http.FullHttpResponse::release);
    }

    @Test
    void moreRequestsInOneReadThanAnyClientPipelinesCloseTheConnectionAfterTheFirstOnesAreAnswered() {
        // given
        String request = "GET /health HTTP/1.1\r\nHost: c\r\n\r\n";
        HttpExchange steady = connect();
        HttpExchange flooder = connect();

        // when: 10 requests in each of two reads, and 20 in one read
        steady.send(request.repeat(10));
        steady.send(request.repeat(10));
        flooder.send(request.repeat(StatusInitializer.MAX_PIPELINED + 4));

        // then: the first all answered and still open; the second answered up to the bound, then closed
        List<io.netty.handler.codec.http.FullHttpResponse> answers = steady.responses();
        assertEquals(20, answers.size());
        answers.forEach(io.netty.handler.codec.http.FullHttpResponse::release);
        assertTrue(steady.server().isActive());
        List<io.netty.handler.codec.http.FullHttpResponse> flooded = flooder.responses();
        assertEquals(StatusInitializer.MAX_PIPELINED, flooded.size());
        flooded.forEach(io.netty.handler.codec.http.FullHttpResponse::release);
        assertFalse(flooder.server().isActive());
    }
}
