package ar.loteria.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator's tools do to a central while it runs: a page holding its event stream open ({@code GET
 * /events}, read to the end of every event) and a Prometheus server scraping {@code GET /metrics} every {@code
 * --scrape-ms} over one keep-alive connection. It follows centrals that come and go on the same status port (the
 * load generator starts one per run): a refused connection is retried 50 ms later. It stops after {@code
 * --seconds} or when killed, and prints what it did. Two named threads, both its own.
 *
 * <p>{@code java -cp lottery-bench.jar ar.loteria.bench.StatusWatcher PORT [--scrape-ms 100] [--seconds 900]}
 */
public final class StatusWatcher {

    private static final long RETRY_MILLIS = 50;

    private final int port;
    private final long scrapeMillis;
    private final AtomicLong scrapes = new AtomicLong();
    private final AtomicLong scrapeBytes = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong streams = new AtomicLong();

    private StatusWatcher(int port, long scrapeMillis) {
        this.port = port;
        this.scrapeMillis = scrapeMillis;
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        long scrapeMillis = 100;
        long seconds = 900;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--scrape-ms" -> scrapeMillis = Long.parseLong(args[i + 1]);
                case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        StatusWatcher watcher = new StatusWatcher(port, scrapeMillis);
        Runtime.getRuntime().addShutdownHook(new Thread(watcher::report, "status-watcher-report"));
        Thread page = new Thread(watcher::followEvents, "status-watcher-events");
        Thread prometheus = new Thread(watcher::scrape, "status-watcher-scrapes");
        page.setDaemon(true);
        prometheus.setDaemon(true);
        page.start();
        prometheus.start();
        Thread.sleep(seconds * 1000);
    }

    /** The page: reads the event stream, and opens it again whenever it ends. */
    private void followEvents() {
        while (true) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write("GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                streams.incrementAndGet();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8), 64 * 1024);
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event: ")) {
                        events.incrementAndGet();
                    }
                }
            } catch (IOException e) {
                refused.incrementAndGet();
            }
            pause(RETRY_MILLIS);
        }
    }

    /** Prometheus: one scrape every period, over a keep-alive connection. */
    private void scrape() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(2)).build();
        long next = System.nanoTime();
        while (true) {
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() == 200) {
                    scrapes.incrementAndGet();
                    scrapeBytes.addAndGet(response.body().length);
                }
            } catch (IOException e) {
                refused.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            next += scrapeMillis * 1_000_000;
            pause(Math.max(0, (next - System.nanoTime()) / 1_000_000));
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void report() {
        System.out.printf("watcher: %d scrapes of /metrics (%d kB), %d events on %d streams, %d refused or lost"
                + " connections%n", scrapes.get(), scrapeBytes.get() / 1024, events.get(), streams.get(),
                refused.get());
    }
}
