package ar.loteria.agency;

import ar.loteria.agency.bets.BetInput;
import ar.loteria.agency.config.AgencyConfig;
import ar.loteria.agency.config.AgencyConfigException;
import ar.loteria.agency.config.AgencyConfigLoader;
import ar.loteria.agency.generate.GenerateCommand;
import ar.loteria.logging.LogLevels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Entry point of {@code lottery-client.jar}. Without arguments it runs one agency: reads {@code ./config.yaml} and
 * the environment, sends the agency's bets, waits for the draw and logs its winners. With {@code generate ...} it
 * writes bets files instead (see {@link GenerateCommand}).
 *
 * <p>Exit codes ({@link ExitStatus}): 0 winners received or stopped by SIGTERM; 1 configuration error; 2 bets
 * file error; 3 central unreachable after the retries; 4 refused by the central or protocol error.
 *
 * <p>SIGTERM starts an orderly close from the main thread, which then exits with 0: a plain shutdown hook would
 * end the JVM with 143, and {@code System.exit} inside a hook hangs.
 */
public final class AgencyMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgencyMain.class);

    /** Where the agency reads its settings, relative to the working directory. */
    static final Path CONFIG_FILE = Path.of("config.yaml");

    private AgencyMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && GenerateCommand.COMMAND.equals(args[0])) {
            System.exit(GenerateCommand.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0) {
            LOG.error("{}", AgencyLog.unknownCommand(args[0], GenerateCommand.USAGE));
            System.exit(ExitStatus.CONFIG_ERROR.code());
        }
        System.exit(runAgency(CONFIG_FILE, System.getenv()));
    }

    /** Runs one agency to its end and returns the exit code. Main thread. */
    static int runAgency(Path configFile, Map<String, String> env) {
        AgencyConfig config;
        try {
            config = AgencyConfigLoader.load(configFile, env);
        } catch (AgencyConfigException e) {
            LOG.error("{}", AgencyLog.configRefused(e));
            return ExitStatus.CONFIG_ERROR.code();
        }
        LogLevels.apply(LogLevels.parse(config.logLevel()).orElseThrow());
        LOG.info("{}", AgencyLog.configLoaded(config));
        if (config.tls().enabled()) {
            LOG.info("{}", AgencyLog.tlsOn(config.tls().trust()));
        }

        BetInput bets;
        if (config.singleBet().isPresent()) {
            bets = BetInput.of("env", config.singleBet().stream().toList());
        } else if (Files.isRegularFile(config.dataFile()) && Files.isReadable(config.dataFile())) {
            bets = BetInput.file(config.dataFile());
        } else {
            LOG.error("{}", AgencyLog.betsFileMissing(config.dataFile()));
            return ExitStatus.BETS_FILE_ERROR.code();
        }

        CompletableFuture<Void> terminated = new CompletableFuture<>();
        // The JVM's signal thread only records the request; the main thread does the closing.
        Signal.handle(new Signal("TERM"), signal -> terminated.complete(null));

        AgencyClient client = new AgencyClient(config, bets, AgencyTuning.DEFAULT);
        client.start();
        CompletableFuture.anyOf(client.outcome(), terminated).join();
        if (terminated.isDone()) {
            LOG.info("{}", AgencyLog.shutdownStarted());
            client.close(true);
            LOG.info("{}", AgencyLog.shutdownDone());
            return ExitStatus.SUCCESS.code();
        }
        AgencyOutcome outcome = client.outcome().join();
        client.close(false);
        return outcome.status().code();
    }
}
