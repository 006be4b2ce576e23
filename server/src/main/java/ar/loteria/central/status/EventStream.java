package ar.loteria.central.status;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /events}: the live page's Server-Sent Events. Every {@code period}, on one event loop, it takes the
 * latest published status and sends each subscriber either the whole status (event {@code status}: a new subscriber,
 * or one that could not take the previous events) or the update from the previous one (event {@code update}: the
 * summary, new ingest samples and only the agencies whose row changed). Each text is rendered once per tick for all
 * subscribers. A subscriber that reads slower than the events come is not buffered without bound: while its
 * connection is not writable it gets nothing, and then the whole status again.
 *
 * <p>Thread-safe: subscribers join on their own event loop; ticks and {@link #close} run on the stream's.
 */
final class EventStream implements AutoCloseable {

    /** Whether a subscriber needs the whole status at the next tick. */
    private static final AttributeKey<Boolean> BEHIND = AttributeKey.valueOf("lottery.status.events.behind");
    /** How long a browser waits before it connects again after the stream is lost. */
    private static final int RETRY_MILLIS = 2_000;

    private final StatusSource source;
    private final int maxSubscribers;
    private final ChannelGroup subscribers;
    private final ScheduledFuture<?> ticks;
    // The stream's event loop only.
    private CentralStatus sent;

    /**
     * @param maxSubscribers streams open at once, at most: the page's viewers never take every status connection
     */
    EventStream(StatusSource source, EventExecutor loop, Duration period, int maxSubscribers) {
        this.source = source;
        this.maxSubscribers = maxSubscribers;
        this.subscribers = new DefaultChannelGroup("status-events", loop);
        this.ticks = loop.scheduleAtFixedRate(this::tick, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Answers {@code GET /events} on the subscriber's event loop: the stream's head now, events from the next tick. */
    void subscribe(ChannelHandlerContext ctx, HttpVersion version) {
        HttpResponse head = new DefaultHttpResponse(version, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        HttpReplies.noStore(head.headers());
        // Tells a proxy in front not to hold the events back.
        head.headers().set("x-accel-buffering", "no");
        if (version.isKeepAliveDefault()) {
            HttpUtil.setTransferEncodingChunked(head, true);
        } else {
            // HTTP/1.0 has no chunks: the stream's end is the connection's.
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(head);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("retry: " + RETRY_MILLIS + "\n\n",
                StandardCharsets.UTF_8)));
        ctx.channel().attr(BEHIND).set(true);
        subscribers.add(ctx.channel());
    }

    /** Subscribers connected now. Any thread. */
    int size() {
        return subscribers.size();
    }

    /** Whether a new subscriber would be one too many. Any thread. */
    boolean full() {
        return subscribers.size() >= maxSubscribers;
    }

    int maxSubscribers() {
        return maxSubscribers;
    }

    /** The stream's event loop: one event to every subscriber that can take it. */
    void tick() {
        CentralStatus now = source.status();
        if (subscribers.isEmpty()) {
            sent = now;
            return;
        }
        int connections = source.openConnections();
        Readiness readiness = source.readiness();
        byte[] whole = null;
        byte[] update = null;
        for (Channel subscriber : subscribers) {
            if (!subscriber.isWritable()) {
                subscriber.attr(BEHIND).set(true);
                continue;
            }
            byte[] event;
            boolean behind = Boolean.TRUE.equals(subscriber.attr(BEHIND).getAndSet(false));
            if (behind || sent == null || now == null) {
                if (whole == null) {
                    whole = event("status", StatusJson.document(now, connections, readiness));
                }
                event = whole;
                if (now == null) {
                    // Nothing published yet: the first status will be sent whole.
                    subscriber.attr(BEHIND).set(true);
                }
            } else {
                if (update == null) {
                    update = event("update", StatusJson.update(sent, now, connections, readiness));
                }
                event = update;
            }
            subscriber.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(event)));
        }
        sent = now;
    }

    private static byte[] event(String name, String json) {
        return ("event: " + name + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Stops the ticks and closes every subscriber's connection (bounded wait). */
    @Override
    public void close() {
        ticks.cancel(false);
        subscribers.close().awaitUninterruptibly(1_000);
    }
}
