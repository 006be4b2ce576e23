package ar.loteria.central;

import ar.loteria.central.config.ConfigException;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.ServerConfigLoader;
import ar.loteria.central.config.TlsSettings;
import ar.loteria.central.storage.CorruptStoreException;
import ar.loteria.logging.ActionLine;
import ar.loteria.logging.LogLevels;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar lottery-server.jar}: reads {@code ./config.ini} and the environment, starts the central and runs
 * until SIGTERM (or SIGINT), then closes it in order and exits 0. Exit 1: bad configuration, or a store or port
 * that cannot be used.
 */
public final class CentralMain {

    private static final Logger LOG = LoggerFactory.getLogger(CentralMain.class);
    /** Netty's switch for its JFR events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    private CentralMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Netty's buffer allocator registers JFR events the first time it allocates, which costs tens of
        // milliseconds of class loading on an event loop just as the first agencies send. Off unless asked for.
        if (System.getProperty(NETTY_JFR) == null) {
            System.setProperty(NETTY_JFR, "false");
        }
        ServerConfig config;
        TlsSettings tls;
        SslContext ssl;
        try {
            config = ServerConfigLoader.load(Path.of("config.ini"), System.getenv());
            tls = TlsSettings.load(Path.of("config.ini"), System.getenv());
            ssl = tls.newServerContext();
        } catch (ConfigException e) {
            LOG.error("{}", ActionLine.fail("config").withError(e.getMessage()));
            System.exit(1);
            return;
        }
        LogLevels.apply(config.level());
        LOG.info("{}", ActionLine.success("config").with("port", config.port())
                .with("listen_backlog", config.listenBacklog()).with("logging_level", config.loggingLevel())
                .with("agencies", config.agencies()));
        if (config.syncWrites()) {
            LOG.info("{}", ActionLine.success("storage_sync").with("file", config.storagePath()));
        }
        if (tls.enabled()) {
            LOG.info("{}", ActionLine.success("tls").with("keystore", tls.keystore()));
        }

        CountDownLatch stop = new CountDownLatch(1);
        // A handled signal lets main close in order and exit 0; a shutdown hook alone would exit 143.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());

        CentralServer server = new CentralServer(config, ssl);
        try {
            server.start();
        } catch (CorruptStoreException e) {
            LOG.error("{}", ActionLine.fail("abrir_almacen").withError(e.getMessage()));
            System.exit(1);
            return;
        } catch (IOException | RuntimeException e) {
            LOG.error("{}", ActionLine.fail("accept_connections").with("port", config.port())
                    .withError(String.valueOf(e.getMessage())));
            System.exit(1);
            return;
        }
        LOG.info("{}", ActionLine.inProgress("accept_connections").with("port", server.port()));
        stop.await();
        LOG.info("{}", ActionLine.inProgress("shutdown"));
        server.close();
        LOG.info("{}", ActionLine.success("shutdown"));
        System.exit(0);
    }
}
