package ar.loteria.central.status;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import java.time.Duration;

/**
 * A status connection's pipeline: the HTTP codec (with bounded request lines and headers), the bound on requests
 * pipelined in one read, the connection limit
 * (which adds {@link ProbesOnlyHandler} behind itself to a connection of the reserve kept for health checks), the
 * deadline for request heads, the router, and the exception handler last so it sees every failure.
 */
final class StatusInitializer extends ChannelInitializer<Channel> {

    static final String HTTP_CODEC = "httpCodec";
    static final String PIPELINING_LIMIT = "pipeliningLimit";
    static final String CONNECTION_LIMIT = "httpConnectionLimit";
    /** Added by the connection limit to a connection of the reserve kept for health checks. */
    static final String PROBES_ONLY = "probesOnly";
    static final String REQUEST_DEADLINE = "requestDeadline";
    static final String REQUESTS = "statusRequests";
    static final String EXCEPTION = "statusException";

    /** Longest request line (method, path, version): no path here comes near it. */
    static final int MAX_REQUEST_LINE = 4096;
    /** Most bytes of headers a request may carry (a browser sends 1-2 kB). */
    static final int MAX_HEADER_BYTES = 8192;
    /** Most requests one read may bring (pipelined without waiting for the answers); clients send one at a time. */
    static final int MAX_PIPELINED = 16;

    private final ChannelGroup connections;
    private final HttpConnectionLimitHandler limit;
    private final StatusRequestHandler requests;
    private final Duration idle;
    private final Duration head;

    /**
     * @param connections every open status connection, so that the server can close them when it stops
     * @param idle        how long a connection may wait silent for its next request
     * @param head        how long a request head may take once begun
     */
    StatusInitializer(ChannelGroup connections, HttpConnectionLimitHandler limit, StatusRequestHandler requests,
                      Duration idle, Duration head) {
        this.connections = connections;
        this.limit = limit;
        this.requests = requests;
        this.idle = idle;
        this.head = head;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        // Someone watches: the metrics get ready in the background while this connection says what it wants.
        StatusMetrics.prepare();
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_HEADER_BYTES);
        ch.pipeline()
                .addLast(HTTP_CODEC, new HttpServerCodec(decoder))
                .addLast(PIPELINING_LIMIT, new PipeliningLimitHandler(MAX_PIPELINED))
                // After the codec, so that it can answer 503 as HTTP.
                .addLast(CONNECTION_LIMIT, limit)
                .addLast(REQUEST_DEADLINE, new RequestDeadlineHandler(idle, head))
                .addLast(REQUESTS, requests)
                .addLast(EXCEPTION, StatusExceptionHandler.INSTANCE);
    }
}
