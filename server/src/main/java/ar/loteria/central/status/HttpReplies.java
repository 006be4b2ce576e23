package ar.loteria.central.status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** The status port's responses: whole bodies with their length, never cached, and how they end. Any event loop. */
final class HttpReplies {

    static final String JSON = "application/json; charset=utf-8";
    static final String TEXT = "text/plain; charset=utf-8";

    private HttpReplies() {
    }

    /** A response carrying {@code body} (released by whoever writes the response). */
    static FullHttpResponse of(HttpResponseStatus status, String contentType, ByteBuf body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        noStore(headers);
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, String json) {
        return of(status, JSON, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return of(status, TEXT, Unpooled.copiedBuffer(text + "\n", StandardCharsets.UTF_8));
    }

    /** Headers every response carries: live figures are never cached, and a body is never sniffed as another type. */
    static void noStore(HttpHeaders headers) {
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        headers.set("x-content-type-options", "nosniff");
    }

    /** Writes the answer to {@code request}, keeping the connection open when the client asked to. */
    static void answer(ChannelHandlerContext ctx, HttpRequest request, FullHttpResponse response) {
        if (HttpUtil.isKeepAlive(request)) {
            if (!request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        } else {
            close(ctx, response);
        }
    }

    /** Writes {@code response} and closes the connection once it is out. */
    static void close(ChannelHandlerContext ctx, FullHttpResponse response) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
