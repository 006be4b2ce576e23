package ar.loteria.central.status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw requests written into a status pipeline in an {@code EmbeddedChannel}, and the bytes it wrote back read as
 * HTTP responses, as a client would. Test thread only.
 */
final class HttpExchange implements AutoCloseable {

    private final EmbeddedChannel server;
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(),
            new HttpObjectAggregator(4 * 1024 * 1024));

    HttpExchange(EmbeddedChannel server) {
        this.server = server;
    }

    EmbeddedChannel server() {
        return server;
    }

    /** Sends {@code raw} (CRLF line ends are the caller's) as the client's bytes. */
    HttpExchange send(String raw) {
        server.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
        return this;
    }

    /** A GET of {@code path} with {@code headers} (each {@code "Name: value"}). */
    HttpExchange get(String path, String... headers) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: central\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return send(request.append("\r\n").toString());
    }

    /** Every whole response the server has written so far; the caller releases them. */
    List<FullHttpResponse> responses() {
        for (Object out; (out = server.readOutbound()) != null; ) {
            client.writeInbound(out);
        }
        List<FullHttpResponse> responses = new ArrayList<>();
        for (Object in; (in = client.readInbound()) != null; ) {
            responses.add((FullHttpResponse) in);
        }
        return responses;
    }

    /** The one response written since the last call; fails when there is not exactly one. */
    Reply response() {
        List<FullHttpResponse> responses = responses();
        if (responses.size() != 1) {
            responses.forEach(FullHttpResponse::release);
            throw new AssertionError("expected one response, got " + responses.size());
        }
        return Reply.of(responses.get(0));
    }

    /** Everything the server wrote so far, as text (for a stream that does not end). */
    String written() {
        StringBuilder text = new StringBuilder();
        for (Object out; (out = server.readOutbound()) != null; ) {
            ByteBuf bytes = (ByteBuf) out;
            text.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }
        return text.toString();
    }

    @Override
    public void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    /** A response copied out of its buffer. */
    record Reply(int status, io.netty.handler.codec.http.HttpHeaders headers, String body) {
        static Reply of(FullHttpResponse response) {
            try {
                return new Reply(response.status().code(), response.headers().copy(),
                        response.content().toString(StandardCharsets.UTF_8));
            } finally {
                response.release();
            }
        }

        String header(CharSequence name) {
            return headers.get(name);
        }
    }
}
