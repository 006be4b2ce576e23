package ar.loteria.central.cli;

import ar.loteria.central.config.ConfigException;
import ar.loteria.central.config.ServerConfig;
import ar.loteria.central.config.ServerConfigLoader;
import ar.loteria.central.ledger.csv.CsvExport;
import ar.loteria.central.ledger.postgres.Connector;
import ar.loteria.central.ledger.postgres.PostgresExport;
import ar.loteria.central.log.CentralLog;
import ar.loteria.logging.LogLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar lottery-server.jar export --out FILE}: writes the stored bets in the course's {@code bets.csv}
 * format, from the store the central's configuration names ({@code ./config.ini} and the environment, as the
 * server reads them): the database when {@code STORAGE_URL} is set, otherwise the CSV file. The file appears whole
 * or not at all (written beside it, then moved). Exit 0 when written, 1 for a bad configuration or a store that
 * cannot be read, 2 for bad arguments (picocli's usage error). Main thread.
 */
@Command(name = ExportCommand.NAME, usageHelpAutoWidth = true,
        description = "Writes the stored bets (STORAGE_URL's database, or STORAGE_FILEPATH) as bets.csv.")
final class ExportCommand implements Callable<Integer> {

    static final String NAME = "export";

    @Option(names = "--out", paramLabel = "FILE", required = true,
            description = "the file to write; it appears whole or not at all")
    private Path out;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    private final Path configFile;
    private final Map<String, String> env;

    /** The command with the configuration of {@code configFile} and {@code env}, as the server reads them. */
    ExportCommand(Path configFile, Map<String, String> env) {
        this.configFile = configFile;
        this.env = env;
    }

    /** Writes the bets; returns the exit status. */
    @Override
    public Integer call() {
        ServerConfig config;
        try {
            config = ServerConfigLoader.load(configFile, env);
        } catch (ConfigException e) {
            CentralLog.configRefused(e.getMessage());
            return 1;
        }
        LogLevels.apply(config.level());
        Path absolute = out.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        boolean database = config.database().enabled();
        try {
            long bets;
            try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                bets = database ? PostgresExport.write(config.database(), CsvExport.rowsTo(stream))
                        : CsvExport.write(config.storagePath(), stream);
            }
            Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            CentralLog.exported(database ? new Connector(config.database()).shownUrl() : config.storagePath(),
                    out, bets);
            return 0;
        } catch (IOException | SQLException | RuntimeException e) {
            CentralLog.exportFailed(String.valueOf(e.getMessage()));
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // nothing more to do
            }
            return 1;
        }
    }
}
