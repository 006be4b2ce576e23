package ar.loteria.agency.generate;

import ar.loteria.agency.AgencyLog;
import ar.loteria.agency.ExitStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code generate} command of {@code lottery-client.jar}: writes {@code DIR/agency-1.csv} ...
 * {@code DIR/agency-N.csv} with {@link BetFileGenerator}. Options are parsed by picocli; {@code --help} prints
 * them. Exit codes: 0 done (or help), 1 bad arguments, 2 a file not written. Main thread.
 *
 * <pre>
 * java -jar lottery-client.jar generate --out DIR --agencies N --bets B [--seed S] [--winners W] [--crlf]
 * java -jar lottery-client.jar generate --out DIR --bets B1,B2,...,BN [--seed S] [--winners W] [--crlf]
 * </pre>
 */
@Command(name = GenerateCommand.COMMAND, sortOptions = false, usageHelpAutoWidth = true,
        description = "Writes reproducible bets files DIR/agency-1.csv ... DIR/agency-N.csv: the same arguments "
                + "always give the same bytes.")
public final class GenerateCommand implements Callable<Integer> {

    /** The first argument that selects this command instead of an agency run. */
    public static final String COMMAND = "generate";
    public static final String USAGE = "generate --out DIR --agencies N --bets B[,B2,...] [--seed S] [--winners W]"
            + " [--crlf]";

    private static final Logger LOG = LoggerFactory.getLogger(GenerateCommand.class);
    private static final int MAX_AGENCIES = 100_000;

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = ".data",
            description = "folder of the files, created when missing (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(names = "--agencies", paramLabel = "N",
            description = "how many agencies, 1..100000; required with a single --bets count")
    private Integer agencies;

    @Option(names = {"--bets", "--bets-per-agency"}, paramLabel = "B", required = true, split = "\\s*,\\s*",
            splitSynopsisLabel = ",", description = "bets per agency, or one count per agency: 5,0,12")
    private List<Integer> bets;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + BetFileGenerator.DEFAULT_SEED,
            description = "seed of the run (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--winners", paramLabel = "W",
            description = "bets on the winning number per agency (default: one per 2,000 bets, at least one)")
    private Integer winners;

    @Option(names = "--crlf", description = "end lines with \\r\\n instead of \\n")
    private boolean crlf;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    private boolean help;

    /** Runs the command with {@code args} (after {@code generate}); help goes to standard output. */
    public static int run(String[] args) {
        return run(args, new PrintWriter(System.out, true));
    }

    /** Runs the command, printing help to {@code helpOut}; returns the exit code. */
    static int run(String[] args, PrintWriter helpOut) {
        return new CommandLine(new GenerateCommand())
                .setOut(helpOut)
                // A repeated option takes its last value, as the hand-written parser before picocli did.
                .setOverwrittenOptionsAllowed(true)
                .setParameterExceptionHandler((error, arguments) -> {
                    LOG.error("{}", AgencyLog.generateRefused(error.getMessage(), USAGE));
                    return ExitStatus.CONFIG_ERROR.code();
                })
                .execute(args);
    }

    @Override
    public Integer call() {
        List<Integer> counts = countsPerAgency();
        try {
            Files.createDirectories(out);
            for (int agency = 1; agency <= counts.size(); agency++) {
                int count = counts.get(agency - 1);
                int wins = winners != null ? winners : BetFileGenerator.defaultWinners(count);
                Path file = out.resolve("agency-" + agency + ".csv");
                List<String> documents = BetFileGenerator.writeAgencyFile(file, agency, count, wins, seed, crlf);
                LOG.info("{}", AgencyLog.fileGenerated(file, count, documents.size(), Files.size(file)));
            }
        } catch (IOException e) {
            LOG.error("{}", AgencyLog.generateFailed(out, e));
            return ExitStatus.BETS_FILE_ERROR.code();
        }
        return ExitStatus.SUCCESS.code();
    }

    /** The bets of each agency, checked against the other options; bad ones are reported as picocli's own. */
    private List<Integer> countsPerAgency() {
        if (agencies != null && (agencies < 1 || agencies > MAX_AGENCIES)) {
            throw invalid("--agencies " + agencies + " is outside 1.." + MAX_AGENCIES);
        }
        for (int count : bets) {
            if (count < 0) {
                throw invalid("--bets " + count + " is negative");
            }
        }
        if (winners != null && winners < 0) {
            throw invalid("--winners " + winners + " is negative");
        }
        List<Integer> counts = bets;
        if (bets.size() == 1) {
            if (agencies == null) {
                throw invalid("--agencies is required with a single --bets count");
            }
            counts = Collections.nCopies(agencies, bets.get(0));
        } else if (agencies != null && agencies != bets.size()) {
            throw invalid("--agencies " + agencies + " but " + bets.size() + " counts in --bets");
        }
        int fewest = Collections.min(counts);
        if (winners != null && winners > fewest) {
            throw invalid("--winners " + winners + " is more than the " + fewest + " bets of an agency");
        }
        return counts;
    }

    private ParameterException invalid(String problem) {
        return new ParameterException(spec.commandLine(), problem);
    }
}
