package ar.loteria.central.status;

import ar.loteria.central.log.CentralLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Routes each request of the status port: {@code /}, {@code /events}, {@code /status.json}, {@code /metrics},
 * {@code /health}, {@code /ready}. It only reads what {@link StatusSource} holds, so no request waits for the
 * storage thread. What it will not serve gets a 4xx and the connection closed: a request the codec could not
 * decode (400, 414 for a long request line, 431 for long headers), a method other than GET (405), a body (413), a
 * missing token (401), an unknown path (404). Content that follows a request is ignored. A client that asks again
 * while its earlier answers wait unread (pipelining without reading) is closed. {@code @Sharable}: one per
 * status server; any event loop.
 */
@Sharable
final class StatusRequestHandler extends SimpleChannelInboundHandler<HttpObject> {

    /** Set on a connection once it carries the event stream: later requests on it are not answered. */
    private static final AttributeKey<Boolean> STREAMING = AttributeKey.valueOf("lottery.status.streaming");

    private final StatusSource source;
    private final StatusMetrics metrics;
    private final StatusDocument document;
    private final EventStream events;
    private final byte[] token;

    /**
     * @param token STATUS_TOKEN, or {@code null}: every path but {@code /health} then asks for it
     */
    StatusRequestHandler(StatusSource source, StatusMetrics metrics, EventStream events, String token) {
        this.source = source;
        this.metrics = metrics;
        this.document = new StatusDocument(source);
        this.events = events;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
        if (!(msg instanceof HttpRequest request) || ctx.channel().hasAttr(STREAMING) || !ctx.channel().isActive()) {
            return;
        }
        if (!ctx.channel().isWritable()) {
            // It asks again while the answers before (more than the write buffer's high mark) wait unread: they
            // would pile up without bound, and every render takes the status thread from the other clients.
            CentralLog.statusConnectionLost(ctx.channel().remoteAddress(),
                    "asks again while its earlier answers wait unread: closed");
            ctx.close();
            return;
        }
        DecoderResult decoded = request.decoderResult();
        if (decoded.isFailure()) {
            Throwable cause = decoded.cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException
                    ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            refuse(ctx, status, "the request could not be read: " + cause.getMessage());
            return;
        }
        if (!HttpMethod.GET.equals(request.method())) {
            FullHttpResponse response = HttpReplies.text(HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "only GET is served here, not " + request.method());
            response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            refuse(ctx, response);
            return;
        }
        if (HttpUtil.getContentLength(request, 0L) > 0 || HttpUtil.isTransferEncodingChunked(request)) {
            refuse(ctx, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "a GET here carries no body");
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        if (!"/health".equals(path) && !authorized(request)) {
            FullHttpResponse response = HttpReplies.text(HttpResponseStatus.UNAUTHORIZED,
                    "this central's status needs its STATUS_TOKEN: Authorization: Bearer TOKEN");
            // Basic as well, so that a browser asks for the token (as the password) and sends it with /events.
            response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"lottery status\"");
            response.headers().add(HttpHeaderNames.WWW_AUTHENTICATE,
                    "Basic realm=\"lottery status\", charset=\"UTF-8\"");
            refuse(ctx, response);
            return;
        }
        switch (path) {
            case "/" -> HttpReplies.answer(ctx, request, StatusPage.get().response());
            case "/events" -> {
                if (events.full()) {
                    // The page's viewers have their own limit, below the connection limit, so that scrapers and
                    // health checks always find a place. The page tries again by itself.
                    FullHttpResponse busy = HttpReplies.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "503 Service "
                            + "Unavailable: more than " + events.maxSubscribers() + " event streams");
                    busy.headers().setInt(HttpHeaderNames.RETRY_AFTER, 5);
                    refuse(ctx, busy);
                } else {
                    ctx.channel().attr(STREAMING).set(true);
                    events.subscribe(ctx, request.protocolVersion());
                }
            }
            // The render may be served again: each response wraps its bytes, which nobody writes to.
            case "/status.json" -> HttpReplies.answer(ctx, request, HttpReplies.of(HttpResponseStatus.OK,
                    HttpReplies.JSON, Unpooled.wrappedBuffer(document.bytes())));
            case "/metrics" -> HttpReplies.answer(ctx, request, metrics(request));
            case "/health" -> HttpReplies.answer(ctx, request, HttpReplies.json(HttpResponseStatus.OK,
                    StatusJson.health()));
            case "/ready" -> {
                Readiness readiness = source.readiness();
                HttpResponseStatus status = readiness == Readiness.READY ? HttpResponseStatus.OK
                        : HttpResponseStatus.SERVICE_UNAVAILABLE;
                HttpReplies.answer(ctx, request, HttpReplies.json(status, StatusJson.ready(readiness)));
            }
            default -> refuse(ctx, HttpResponseStatus.NOT_FOUND, "nothing at " + path
                    + "; try /, /events, /status.json, /metrics, /health or /ready");
        }
    }

    private FullHttpResponse metrics(HttpRequest request) throws IOException {
        StatusMetrics.Exposition exposition = metrics.render(request.headers().get(HttpHeaderNames.ACCEPT));
        // The render may be served again: each response wraps its bytes, which nobody writes to.
        return HttpReplies.of(HttpResponseStatus.OK, exposition.contentType(),
                Unpooled.wrappedBuffer(exposition.bytes()));
    }

    /** Whether the request carries the token (as a Bearer token, or as a Basic password); always, without one. */
    private boolean authorized(HttpRequest request) {
        if (token == null) {
            return true;
        }
        String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            return false;
        }
        byte[] presented;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String credentials;
            try {
                credentials = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            presented = credentials.substring(credentials.indexOf(':') + 1).getBytes(StandardCharsets.UTF_8);
        } else {
            return false;
        }
        // Compared in a time that does not tell how much of it was right.
        return MessageDigest.isEqual(presented, token);
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String reason) {
        refuse(ctx, HttpReplies.text(status, status.code() + " " + status.reasonPhrase() + ": " + reason));
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpResponse response) {
        CentralLog.statusRequestRefused(ctx.channel().remoteAddress(), response.status().code(),
                response.content().toString(StandardCharsets.UTF_8).trim());
        HttpReplies.close(ctx, response);
    }
}
