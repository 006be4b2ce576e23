package ar.loteria.central.status;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /}: the live page, one HTML file with its own style and script ({@code status-page.html} beside this
 * class), read once per JVM, on the first request for it (reading it and hashing its code takes tens of
 * milliseconds in a cold JVM, which a central's start should not wait for). Its Content-Security-Policy allows that one script and that one style (by their hashes), the
 * event stream on the same origin, and nothing else: no external asset, no inline code an injected string could
 * add. Immutable; any thread.
 */
final class StatusPage {

    static final String RESOURCE = "status-page.html";

    private final ByteBuf html;
    private final String policy;

    private StatusPage(byte[] html) {
        this.html = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(html).asReadOnly());
        String text = new String(html, StandardCharsets.UTF_8);
        this.policy = "default-src 'none'; script-src '" + hashOf(text, "script") + "'; style-src '"
                + hashOf(text, "style") + "'; connect-src 'self'; img-src data:; base-uri 'none'; "
                + "form-action 'none'; frame-ancestors 'none'";
    }

    /** The page, read on first use. Any thread. */
    static StatusPage get() {
        return Holder.PAGE;
    }

    /** Class initialization reads the page once, when it is first asked for. */
    private static final class Holder {
        static final StatusPage PAGE = load();
    }

    /** Reads the page from the class path. */
    static StatusPage load() {
        try (InputStream in = StatusPage.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            return new StatusPage(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's response; its body shares the page's bytes. */
    FullHttpResponse response() {
        FullHttpResponse response = HttpReplies.of(HttpResponseStatus.OK, "text/html; charset=utf-8",
                html.duplicate());
        HttpHeaders headers = response.headers();
        headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, policy);
        headers.set("referrer-policy", "no-referrer");
        headers.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
        return response;
    }

    /** The policy's source for the page's one {@code <tag>} element: {@code sha256-...} of its text. */
    private static String hashOf(String page, String tag) {
        int open = page.indexOf("<" + tag + ">");
        int close = page.indexOf("</" + tag + ">", open);
        if (open < 0 || close < 0 || page.indexOf("<" + tag + ">", close) >= 0) {
            throw new IllegalStateException(RESOURCE + " must have exactly one <" + tag + "> element");
        }
        String body = page.substring(open + tag.length() + 2, close);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
