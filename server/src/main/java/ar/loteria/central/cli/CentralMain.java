package ar.loteria.central.cli;

import ar.loteria.central.CentralServer;
import ar.loteria.central.config.ConfigException;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.ServerConfigLoader;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;
import ar.loteria.central.status.StatusPortException;
import ar.loteria.logging.LogLevels;
import io.netty.handler.ssl.SslContext;
import picocli.CommandLine;
import sun.misc.Signal;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar lottery-server.jar}: reads {@code ./config.ini} and the environment, starts the central and runs
 * until SIGTERM (or SIGINT), then closes it in order and exits 0. Exit 1: bad configuration, or a store, the bets
 * port or the status port that cannot be used. With a command, picocli parses it ({@link CentralCommand}):
 * {@code export --out FILE} writes the stored bets ({@link ExportCommand}), {@code probe [PATH...]} asks a running
 * central's status port ({@link ProbeCommand}); {@code --help} lists them, and anything else is a usage error
 * (exit 2). Main thread.
 */
public final class CentralMain {

    /** Netty's switch for its JFR events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";
    /** Netty's switch for reaching the JDK's direct-buffer constructor, which its own direct-memory count needs. */
    static final String NETTY_REFLECTION = "io.netty.tryReflectionSetAccessible";
    /** Where the central reads its settings, relative to the working directory. */
    static final Path CONFIG_FILE = Path.of("config.ini");

    private CentralMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Without arguments, straight to the server: the start does not pay for loading the command-line parser.
        System.exit(args.length == 0 ? runServer(CONFIG_FILE, System.getenv())
                : execute(CONFIG_FILE, System.getenv(), System.out, System.err, args));
    }

    /**
     * Runs the command {@code args} name (the central itself when there is none) with the configuration of
     * {@code configFile} and {@code env}; the commands print to {@code out} and {@code err}. Returns the exit status.
     */
    static int execute(Path configFile, Map<String, String> env, PrintStream out, PrintStream err, String... args) {
        PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
        CommandLine probe = new CommandLine(new ProbeCommand(configFile, env, out))
                // Everything the probe says goes to standard output, usage errors included, as a health check's
                // output is read there.
                .setErr(outWriter);
        return new CommandLine(new CentralCommand(configFile, env))
                .addSubcommand(ExportCommand.NAME, new CommandLine(new ExportCommand(configFile, env))
                        // A repeated --out takes its last value, as the hand-written parser before picocli did.
                        .setOverwrittenOptionsAllowed(true))
                .addSubcommand(ProbeCommand.NAME, probe)
                .setOut(outWriter)
                .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
                .execute(args);
    }

    /** The central until SIGTERM or SIGINT; returns the exit status. */
    static int runServer(Path configFile, Map<String, String> env) throws InterruptedException {
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
        CountDownLatch stop = new CountDownLatch(1);
        // A handled signal lets main close in order and exit 0; a shutdown hook alone would exit 143.
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        return serve(configFile, env, stop);
    }

    /**
     * Reads the configuration once, starts the central, runs it until {@code stop} opens, then closes it. Returns
     * the exit status: 0 after an orderly close, 1 when it could not start (each cause has its log line).
     */
    static int serve(Path configFile, Map<String, String> env, CountDownLatch stop) throws InterruptedException {
        ServerConfig config;
        SslContext ssl;
        try {
            config = ServerConfigLoader.load(configFile, env);
            ssl = config.tls().newServerContext();
        } catch (ConfigException e) {
            CentralLog.configRefused(e.getMessage());
            return 1;
        }
        LogLevels.apply(config.level());
        CentralLog.config(config.port(), config.listenBacklog(), config.loggingLevel(), config.agencies());
        if (config.syncWrites()) {
            CentralLog.storageSync(config.storagePath());
        }
        if (config.tls().enabled()) {
            CentralLog.tlsOn(config.tls().keystore());
        }
        if (config.close().enabled()) {
            CentralLog.closeConfigured(config.close().drawAt(), config.close().afterFirstFinish());
        }

        CentralServer server = new CentralServer(config, ssl, Ledgers.opener(config));
        try {
            server.start();
        } catch (UnusableStoreException e) {
            CentralLog.storeUnusable(e.file(), e.getMessage());
            return 1;
        } catch (StatusPortException e) {
            CentralLog.statusCannotListen(e.port(), e.bind(), e.getMessage());
            return 1;
        } catch (Exception e) {
            CentralLog.cannotListen(config.port(), String.valueOf(e.getMessage()));
            return 1;
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
        return 0;
    }
}
