package ar.loteria.bench.reference;

import ar.loteria.codec.WinningRule;
import ar.loteria.launch.Launch;
import ar.loteria.logging.ActionLine;
import sun.misc.Signal;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CountDownLatch;

/**
 * A do-nothing central, the ceiling the load generator can show on a machine: plain JDK NIO (no Netty) on one
 * selector thread, speaking the central's protocol (docs/PROTOCOL.md) to well-behaved agencies. It acknowledges
 * every batch without checking or storing it: it only counts each agency's bets and notes its winners, so that the
 * generator's check of every agency's winners still passes. With the argument {@code csv} it also renders each bet
 * as a row of the store's format (PROTOCOL.md section 8) and appends it to {@code STORAGE_FILEPATH} on a second
 * thread before the batch is acknowledged: the simplest way a server can store.
 *
 * <pre>java -cp lottery-bench.jar ar.loteria.bench.reference.ReferenceCentral [null|csv]</pre>
 *
 * Environment: {@code SERVER_PORT} (0: any free port), {@code SERVER_LISTEN_BACKLOG}, {@code AGENCIES} (default 5)
 * and, with {@code csv}, {@code STORAGE_FILEPATH} (default {@code ./bets.csv}, appended to). It listens on loopback
 * only, prints the real central's {@code accept_connections} line with its port, and on SIGTERM closes in order and
 * exits 0. It trusts its peers: no bet is validated, a frame it cannot read closes its connection, WELCOME always
 * says {@code stored = 0}.
 */
public final class ReferenceCentral {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private ReferenceCentral() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String mode = args.length == 0 ? "null" : args[0];
        if (args.length > 1 || !(mode.equals("null") || mode.equals("csv"))) {
            System.err.println("usage: ReferenceCentral [null|csv]");
            System.exit(2);
            return;
        }
        int port = intSetting("SERVER_PORT", 0);
        int backlog = intSetting("SERVER_LISTEN_BACKLOG", 128);
        int agencies = intSetting("AGENCIES", 5);
        Path store = Path.of(System.getenv().getOrDefault("STORAGE_FILEPATH", "./bets.csv"));
        log(ActionLine.success("config").with("mode", mode.equals("csv") ? "null+csv" : "null").with("port", port)
                .with("listen_backlog", backlog).with("agencies", agencies));

        CountDownLatch stop = new CountDownLatch(1);
        // A handled signal lets main close in order and exit 0, as the real central does.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        CsvAppender appender = mode.equals("csv") ? CsvAppender.open(store) : null;
        SelectorLoop loop = SelectorLoop.open(port, backlog, new ReferenceLottery(agencies), appender);
        loop.start();
        log(ActionLine.inProgress("accept_connections").with("port", loop.port()));
        stop.await();
        log(ActionLine.inProgress("shutdown"));
        int connections = loop.close();
        log(ActionLine.success("close_connections").with("conexiones", connections));
        if (appender != null) {
            appender.close();
            log(ActionLine.success("close_store").with("file", store));
        }
        log(ActionLine.success("shutdown"));
        System.exit(0);
    }

    /**
     * How to start it as a process of its own: this JVM's classes of the reference, the codec's winning rule, the
     * log line builder and the launcher (in lottery-bench.jar all four are that jar), and the mode, {@code null} or
     * {@code csv}.
     */
    public static Launch launch(String mode) {
        // Launch too: a main class whose public methods name a class the JVM cannot find does not start.
        List<Path> classpath = Stream.of(ReferenceCentral.class, WinningRule.class, ActionLine.class, Launch.class)
                .map(ReferenceCentral::codeSource).distinct().toList();
        return Launch.mainClass(classpath, ReferenceCentral.class.getName(), mode);
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot tell where " + type + " was loaded from", e);
        }
    }

    /** Prints one INFO line in the central's log format; any thread. */
    static void log(ActionLine line) {
        System.out.println(LocalDateTime.now().format(TIME) + " INFO     " + line);
    }

    /** Prints one ERROR line in the central's log format; any thread. */
    static void error(ActionLine line) {
        System.out.println(LocalDateTime.now().format(TIME) + " ERROR    " + line);
    }

    private static int intSetting(String key, int fallback) {
        String value = System.getenv(key);
        try {
            return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            error(ActionLine.fail("config").withError(key + " is not a number: " + value));
            System.exit(1);
            return fallback;
        }
    }
}
