package ar.loteria.central;

import ar.loteria.central.config.ConfigException;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.ServerConfigLoader;
import ar.loteria.central.config.TlsSettings;
import ar.loteria.central.status.StatusPortException;
import ar.loteria.central.storage.UnusableStoreException;
import ar.loteria.logging.LogLevels;
import io.netty.handler.ssl.SslContext;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar lottery-server.jar}: reads {@code ./config.ini} and the environment, starts the central and runs
 * until SIGTERM (or SIGINT), then closes it in order and exits 0. Exit 1: bad configuration, or a store, the bets
 * port or the status port that cannot be used. {@code java -jar lottery-server.jar export --out FILE} writes the
 * stored bets instead ({@link ExportCommand}); {@code probe [PATH...]} asks a running central's status port
 * ({@link ProbeCommand}).
 */
public final class CentralMain {

    /** Netty's switch for its JFR events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";
    /** Netty's switch for reaching the JDK's direct-buffer constructor, which its own direct-memory count needs. */
    static final String NETTY_REFLECTION = "io.netty.tryReflectionSetAccessible";

    private CentralMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("export")) {
            System.exit(ExportCommand.run(Arrays.copyOfRange(args, 1, args.length), Path.of("config.ini"),
                    System.getenv()));
            return;
        }
        if (args.length > 0 && args[0].equals("probe")) {
            System.exit(ProbeCommand.run(Arrays.copyOfRange(args, 1, args.length), Path.of("config.ini"),
                    System.getenv(), System.out));
            return;
        }
        // Netty's buffer allocator registers JFR events the first time it allocates, which costs tens of
        // milliseconds of class loading on an event loop just as the first agencies send. Off unless asked for.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        // Direct buffers under Netty's own count (the jar's manifest opens java.nio for it): at the direct-memory
        // limit one allocation fails at once and one connection is closed, where the JDK's count would stall the
        // event loop in System.gc() and sleeps, and with it every connection it serves.
        if (System.getProperty(NETTY_REFLECTION) == null) {
            System.setProperty(NETTY_REFLECTION, "true");
        }
        ServerConfig config;
        TlsSettings tls;
        SslContext ssl;
        try {
            config = ServerConfigLoader.load(Path.of("config.ini"), System.getenv());
            tls = TlsSettings.load(Path.of("config.ini"), System.getenv());
            ssl = tls.newServerContext();
        } catch (ConfigException e) {
            CentralLog.configRefused(e.getMessage());
            System.exit(1);
            return;
        }
        LogLevels.apply(config.level());
        CentralLog.config(config.port(), config.listenBacklog(), config.loggingLevel(), config.agencies());
        if (config.syncWrites()) {
            CentralLog.storageSync(config.storagePath());
        }
        if (tls.enabled()) {
            CentralLog.tlsOn(tls.keystore());
        }

        CountDownLatch stop = new CountDownLatch(1);
        // A handled signal lets main close in order and exit 0; a shutdown hook alone would exit 143.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        CentralServer server = new CentralServer(config, ssl);
        try {
            server.start();
        } catch (UnusableStoreException e) {
            CentralLog.storeUnusable(e.getMessage());
            System.exit(1);
            return;
        } catch (StatusPortException e) {
            CentralLog.statusCannotListen(e.port(), e.bind(), e.getMessage());
            System.exit(1);
            return;
        } catch (Exception e) {
            CentralLog.cannotListen(config.port(), String.valueOf(e.getMessage()));
            System.exit(1);
            return;
        }
        CentralLog.listening(server.port(), server.transport());
        // After accept_connections, which scripts expect as the second line.
        if (config.status().enabled()) {
            CentralLog.statusListening(server.statusPort(), config.status().bind(), config.status().token() != null);
        }
        stop.await();
        CentralLog.shutdownStarted();
        server.close();
        CentralLog.shutdownDone();
        System.exit(0);
    }
}
