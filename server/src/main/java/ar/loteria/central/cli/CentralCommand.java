package ar.loteria.central.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code java -jar lottery-server.jar [COMMAND]} as picocli sees it: no command runs the central, {@code export}
 * and {@code probe} are its subcommands, anything else is a usage error (exit 2). Main thread.
 */
@Command(name = "java -jar lottery-server.jar", usageHelpAutoWidth = true,
        description = "Without a command: runs the central with ./config.ini and the environment until SIGTERM.")
final class CentralCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    private final Path configFile;
    private final Map<String, String> env;

    CentralCommand(Path configFile, Map<String, String> env) {
        this.configFile = configFile;
        this.env = env;
    }

    /** The central, as {@code java -jar lottery-server.jar} without arguments runs it. */
    @Override
    public Integer call() throws InterruptedException {
        return CentralMain.runServer(configFile, env);
    }
}
