package ar.loteria.central.status;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /events}: the page's Server-Sent Events, ticked by hand. */
class StatusEventsTest {

    private final FakeSource source = new FakeSource();
    private final EmbeddedChannel ticker = new EmbeddedChannel();
    private final EventStream events = new EventStream(source, ticker.eventLoop(), Duration.ofMillis(250), 3);
    private final ChannelGroup connections = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private final List<HttpExchange> exchanges = new ArrayList<>();

    private HttpExchange connect() {
        StatusRequestHandler requests = new StatusRequestHandler(source,
                new StatusMetrics(source, Duration.ZERO, System::nanoTime), events, null);
        HttpExchange http = new HttpExchange(new EmbeddedChannel(DefaultChannelId.newInstance(),
                new StatusInitializer(connections, new HttpConnectionLimitHandler(8, 2, Duration.ofSeconds(1)), requests,
                        Duration.ofSeconds(30), Duration.ofSeconds(10))));
        exchanges.add(http);
        return http;
    }

    private HttpExchange subscribe() {
        return connect().get("/events");
    }

    @AfterEach
    void close() {
        events.close();
        exchanges.forEach(HttpExchange::close);
        ticker.finishAndReleaseAll();
    }

    private static AgencyStatus agency(long id, int connections, long bets) {
        return new AgencyStatus(id, connections, bets, false, -1);
    }

    /** The events in {@code text}, each as {@code name data}. */
    private static List<String> eventsIn(String text) {
        List<String> found = new ArrayList<>();
        for (String block : text.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (name != null) {
                found.add(name + " " + data);
            }
        }
        return found;
    }

    /** The chunks of a chunked body, joined (the head and the chunk sizes left out). */
    private static String body(String written) {
        String body = written.substring(written.indexOf("\r\n\r\n") + 4);
        StringBuilder joined = new StringBuilder();
        while (!body.isEmpty()) {
            int size = Integer.parseInt(body.substring(0, body.indexOf("\r\n")), 16);
            int start = body.indexOf("\r\n") + 2;
            joined.append(body, start, start + size);
            body = body.substring(start + size + 2);
        }
        return joined.toString();
    }

    @Test
    void aSubscriberGetsTheStreamHeadThenTheWholeStatusThenOnlyWhatChanged() {
        // given
        source.status = FakeSource.status(0, 3, List.of(agency(1, 1, 10), agency(2, 1, 20), agency(3, 1, 30)));
        HttpExchange http = subscribe();
        String head = http.written();
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("content-type: text/event-stream; charset=utf-8\r\n"), head);
        assertTrue(head.contains("transfer-encoding: chunked\r\n"), head);
        assertEquals("retry: 2000\n\n", body(head));

        // when: a tick, then agency 2 stores more and agency 3 is gone, and agency 4 comes
        events.tick();
        String first = http.written();
        source.status = FakeSource.status(250, 3, List.of(agency(1, 1, 10), agency(2, 1, 25), agency(4, 1, 0)));
        events.tick();
        String second = http.written();

        // then
        assertEquals(List.of("status " + StatusJson.document(FakeSource.status(0, 3, List.of(agency(1, 1, 10),
                agency(2, 1, 20), agency(3, 1, 30))), 0, Readiness.READY)), eventsIn(body("\r\n\r\n" + first)));
        String update = eventsIn(body("\r\n\r\n" + second)).get(0);
        assertTrue(update.startsWith("update {\"state\":\"ready\",\"connections\":0,"
                + "\"at\":\"2026-12-01T10:00:00.250Z\""), update);
        assertTrue(update.endsWith(",\"ingest\":[[1796119200250,35]],\"agencies\":["
                + "{\"agency\":2,\"connections\":1,\"betsStored\":25,\"finished\":false,\"winners\":null},"
                + "{\"agency\":4,\"connections\":1,\"betsStored\":0,\"finished\":false,\"winners\":null}],"
                + "\"gone\":[3]}"), update);
    }

    @Test
    void aSubscriberThatCannotTakeEventsGetsNoneThenTheWholeStatusAgain() {
        // given: a subscriber in step with the stream
        source.status = FakeSource.status(0, 2, List.of(agency(1, 1, 10)));
        HttpExchange slow = subscribe();
        HttpExchange fast = subscribe();
        events.tick();
        slow.written();
        fast.written();

        // when: its connection is not writable for two ticks, then is again
        slow.server().unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        source.status = FakeSource.status(250, 2, List.of(agency(1, 1, 20)));
        events.tick();
        source.status = FakeSource.status(500, 2, List.of(agency(1, 1, 30), agency(2, 1, 5)));
        events.tick();
        String whileBlocked = slow.written();
        slow.server().unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        source.status = FakeSource.status(750, 2, List.of(agency(1, 1, 40), agency(2, 1, 5)));
        events.tick();

        // then: nothing while blocked, then the whole status; the other one got every update
        assertEquals("", whileBlocked);
        List<String> after = eventsIn(body("\r\n\r\n" + slow.written()));
        assertEquals(1, after.size());
        assertTrue(after.get(0).startsWith("status "), after.get(0));
        assertTrue(after.get(0).contains("{\"agency\":1,\"connections\":1,\"betsStored\":40,"), after.get(0));
        List<String> fastEvents = eventsIn(body("\r\n\r\n" + fast.written()));
        assertEquals(3, fastEvents.size());
        fastEvents.forEach(event -> assertTrue(event.startsWith("update "), event));
    }

    @Test
    void beforeTheStoreIsOpenSubscribersHearTheCentralIsStartingThenGetTheWholeStatus() {
        // given
        source.readiness = Readiness.STARTING;
        HttpExchange http = subscribe();
        http.written();

        // when
        events.tick();
        String starting = http.written();
        source.readiness = Readiness.READY;
        source.status = FakeSource.status(0, 1, List.of(agency(1, 1, 10)));
        events.tick();
        String ready = http.written();

        // then
        assertEquals(List.of("status {\"state\":\"starting\",\"connections\":0}"), eventsIn(body("\r\n\r\n"
                + starting)));
        assertTrue(eventsIn(body("\r\n\r\n" + ready)).get(0).startsWith("status {\"state\":\"ready\""));
    }

    @Test
    void anHttp10SubscriberGetsTheEventsWithoutChunks() {
        // given
        source.status = FakeSource.status(0, 1, List.of(agency(1, 1, 10)));
        HttpExchange http = connect();

        // when
        http.send("GET /events HTTP/1.0\r\n\r\n");
        events.tick();

        // then
        String written = http.written();
        assertTrue(written.startsWith("HTTP/1.0 200 OK\r\n"), written);
        assertTrue(written.contains("connection: close\r\n"), written);
        assertTrue(written.contains("\r\n\r\nretry: 2000\n\nevent: status\ndata: {"), written);
    }

    @Test
    void otherRequestsOnAnEventStreamAreNotAnswered() {
        // given
        source.status = FakeSource.status(0, 1, List.of());
        HttpExchange http = subscribe();
        http.written();

        // when
        http.get("/health");

        // then
        assertEquals("", http.written());
        assertEquals(1, events.size());
    }

    @Test
    void eventStreamsHaveALimitOfTheirOwnAndAPlaceFreedIsAPlaceForTheNext() {
        // given: as many streams as allowed
        List<HttpExchange> watching = List.of(subscribe(), subscribe(), subscribe());

        // when
        HttpExchange oneTooMany = subscribe();

        // then: 503, try again later, closed; the streams go on, and other paths are served
        HttpExchange.Reply busy = oneTooMany.response();
        assertEquals(503, busy.status());
        assertEquals("5", busy.header(HttpHeaderNames.RETRY_AFTER));
        assertFalse(oneTooMany.server().isActive());
        assertEquals(200, connect().get("/health").response().status());
        watching.forEach(http -> assertTrue(http.server().isActive()));
        watching.get(0).server().close();
        assertTrue(subscribe().written().startsWith("HTTP/1.1 200 OK"));
    }
}
