package ar.loteria.soak;

import ar.loteria.launch.JarProcess;
import ar.loteria.launch.Launch;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One crash soak: generates the agencies' bets with the agency's {@code generate} command, starts the central on
 * one store and K agencies streaming to it, then N times kills the central with SIGKILL at a seeded moment
 * ({@link KillSchedule}) and starts it again on the same store and port; then lets everything run to the end and
 * stops the central with SIGTERM. After each kill it checks the store against the inputs ({@link StoreCheck}), every
 * acknowledgement the agencies logged against the store, and the killed central's log ({@link CentralTranscript});
 * at the end, each agency's exit and winners, the last central's log and the whole store once more. Every check
 * that fails goes into the {@link SoakReport}; a failure that stops the soak (a central that does not start, an
 * agency that gives up, the time bound) ends it early. Every process it starts is killed by its own handle when the
 * soak ends or {@link #close} is called, whatever happened.
 *
 * <p>Runs on the caller's thread; {@link #close} may come from another (a shutdown hook).
 */
final class SoakRun implements AutoCloseable {

    /** How long a central may take to listen, and to stop; how long a killed process may take to go. */
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Duration GONE = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 2;
    private static final long WELCOME_POLL_MILLIS = 25;
    /** What set off a kill. */
    private static final String GROWTH = "growth";
    private static final String DELAY = "delay";
    private static final String GROWTH_BEFORE_ALL_BACK = "growth before all agencies were back";
    private static final int SIGKILLED = 137;
    /** Kills stop while less than this much of the store remains to be written: no kill may follow the draw. */
    private static final long RESERVE_BYTES = 16 * 1024;

    /** A failure after which the soak cannot go on. */
    private static final class Stop extends Exception {
        Stop(String message) {
            super(message);
        }
    }

    private final SoakSettings settings;
    private final PrintStream out;
    private final SoakReport report = new SoakReport();
    private final Set<JarProcess> live = ConcurrentHashMap.newKeySet();
    private final Path store;
    private final List<JarProcess> agencies = new ArrayList<>();
    /** What agency {@code i + 1} has logged, read as it comes. */
    private final List<AgencyTranscript> transcripts = new ArrayList<>();
    private long deadline;
    private AgencyInputs inputs;
    private StoreCheck check;
    private KillSchedule schedule;
    /** The central now running, its number (from 1), its port and when it said it listens. */
    private JarProcess central;
    private int centrals;
    private int port;
    private long listenedAt;
    /** The torn tail the central now running found at its start, and the complete rows. */
    private long tailAtStart;
    private long rowsAtStart;
    /** Each agency's WELCOMEs when the last central was killed: a later one comes from the next central. */
    private int[] welcomesAtKill;
    private boolean storeProblemReported;

    SoakRun(SoakSettings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
        this.store = settings.work().toAbsolutePath().resolve("central").resolve("bets.csv");
    }

    /** Runs the soak to its end (or its first stopping failure) and returns its figures and failed checks. */
    SoakReport run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        deadline = start + settings.timeout().toNanos();
        report.cyclesAsked = settings.cycles();
        try {
            prepare();
            startAll();
            for (int cycle = 1; cycle <= settings.cycles() && cycle(cycle); cycle++) {
                report.cycles = cycle;
            }
            finish();
        } catch (Stop e) {
            report.fail(e.getMessage());
        } finally {
            close();
            report.wallSeconds = (System.nanoTime() - start) / 1e9;
        }
        return report;
    }

    /** Generates and reads back the data. */
    private void prepare() throws IOException, InterruptedException, Stop {
        Path data = settings.work().resolve("data");
        generate(data);
        inputs = AgencyInputs.read(data, settings.agencies());
        for (int id = 1; id <= settings.agencies(); id++) {
            if (inputs.winners(id) != settings.winners()) {
                report.fail(String.format(Locale.ROOT, "agency %d's generated file holds %d winners, not the %d asked",
                        id, inputs.winners(id), settings.winners()));
            }
        }
        out.printf(Locale.ROOT, "crash soak: %d agencies, %,d bets (%s), batches of %s, %d cycles, seed %d, work %s%n",
                settings.agencies(), inputs.totalBets(), counts(settings.agencies(), settings::bets),
                counts(settings.agencies(), settings::batch), settings.cycles(), settings.seed(), settings.work());
        check = new StoreCheck(store, inputs);
        schedule = new KillSchedule(settings.seed(), settings.minDelay().toMillis(), settings.maxDelay().toMillis(),
                settings.maxGrowth(), settings.tornPercent(), settings.earlyPercent());
        welcomesAtKill = new int[settings.agencies()];
    }

    /** The first central, then the agencies. */
    private void startAll() throws IOException, InterruptedException, Stop {
        central = startCentral(settings.port());
        port = awaitListening();
        for (int id = 1; id <= settings.agencies(); id++) {
            agencies.add(startAgency(id));
            transcripts.add(new AgencyTranscript(id));
        }
    }

    /**
     * One cycle: waits for the kill's moment, kills the central, checks what the killed central left (store,
     * acknowledgements, its log), maybe tears a row, and starts the next central. Returns false, with a failed
     * check, when the bets ran out before the kill: the soak then runs to the end without more kills.
     */
    private boolean cycle(int cycle) throws IOException, InterruptedException, Stop {
        KillSchedule.Kill kill = schedule.next();
        String trigger = awaitKillMoment(kill);
        if (trigger == null) {
            report.fail(String.format(Locale.ROOT, "the bets ran out after %d of %d cycles: the store was nearly "
                    + "complete before the next kill, which must come before the draw; give more --bets or a smaller "
                    + "--max-growth-kb", cycle - 1, settings.cycles()));
            return false;
        }
        double upSeconds = (System.nanoTime() - listenedAt) / 1e9;
        central.close();
        int exit = central.awaitExit(GONE);
        long killedAt = System.nanoTime();
        live.remove(central);
        if (exit != SIGKILLED) {
            report.fail("central " + centrals + " exited with " + exit + " instead of dying by SIGKILL (" + SIGKILLED
                    + ")");
        }
        report.kills++;
        report.killsOnGrowth += trigger.equals(DELAY) ? 0 : 1;
        report.killsOnDelay += trigger.equals(DELAY) ? 1 : 0;
        report.killsBeforeAllBack += trigger.equals(GROWTH_BEFORE_ALL_BACK) ? 1 : 0;
        report.killsEarly += kill.early() ? 1 : 0;

        StoreCheck.Scan scan = scanned();
        long rowsAdded = scan.problem() == null ? scan.total() - rowsAtStart : -1;
        report.killsMidIngest += rowsAdded > 0 ? 1 : 0;
        if (centralEnded(false, rowsAdded).draws() > 0) {
            throw new Stop("central " + centrals + " drew before it was killed: every kill must come before the "
                    + "draw (agencies that got their winners do not come back to finish again)");
        }
        checkAcknowledged(scan, "central " + centrals + " was killed");
        for (AgencyTranscript transcript : transcripts) {
            welcomesAtKill[transcript.agency() - 1] = transcript.welcomes();
            JarProcess agency = agencies.get(transcript.agency() - 1);
            if (!agency.isAlive()) {
                throw new Stop("agency " + transcript.agency() + " ended (exit " + agency.awaitExit(GONE) + ") "
                        + "before the draw, during cycle " + cycle + ":\n" + tail(agency.lines()));
            }
        }

        long tail = scan.tailBytes();
        report.tornByKills += tail > 0 ? 1 : 0;
        long written = 0;
        if (kill.tear()) {
            byte[] torn = schedule.tornRow(1 + (cycle - 1) % settings.agencies());
            Files.write(store, torn, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            written = torn.length;
            report.tornWritten++;
        }

        central = startCentral(port);
        awaitListening();
        double restart = (listenedAt - killedAt) / 1e9;
        report.restarts++;
        report.restartSeconds.add(restart);
        out.printf(Locale.ROOT, "cycle %d: SIGKILL %.2f s after listening (%s%s), %,d rows stored by it, torn tail "
                        + "%d B%s; central %d listening %.2f s after the kill%n", cycle, upSeconds,
                kill.early() ? "early, " : "", trigger, rowsAdded, tail, written > 0 ? " + " + written + " B written"
                        : "", centrals, restart);
        tailAtStart = tail + written;
        rowsAtStart = scan.total();
        return true;
    }

    /** The run to the end: every agency finishes, the central is stopped by SIGTERM, and everything is checked. */
    private void finish() throws IOException, InterruptedException, Stop {
        awaitAgencies();
        central.terminate();
        int exit = central.awaitExit(within(STOP));
        live.remove(central);
        if (exit != 0 || !central.shutdownLogged()) {
            report.fail("the last central, stopped by SIGTERM, exited with " + exit + (central.shutdownLogged() ? ""
                    : " without logging `" + JarProcess.SHUT_DOWN + "`") + ":\n" + tail(central.lines()));
        }
        StoreCheck.Scan scan = scanned();
        centralEnded(true, scan.problem() == null ? scan.total() - rowsAtStart : -1);
        checkAcknowledged(scan, "the last central stopped");
        checkAgencies();
        String complete = StoreCheck.complete(store, inputs);
        if (complete != null) {
            report.fail("read again whole: " + complete);
        } else {
            report.betsChecked = inputs.totalBets();
        }
    }

    /** Generates the bets files with the agency jar's {@code generate} command. */
    private void generate(Path data) throws IOException, InterruptedException, Stop {
        List<String> args = new ArrayList<>(settings.client().program());
        args.addAll(List.of("generate", "--out", data.toString(), "--agencies", String.valueOf(settings.agencies()),
                "--bets", counts(settings.agencies(), settings::bets), "--winners", String.valueOf(settings.winners()),
                "--seed", String.valueOf(settings.seed()), "--crlf"));
        Launch launch = new Launch(settings.client().java(), settings.client().jvmOptions(), args);
        JarProcess generator = started(JarProcess.start(launch, Map.of(), settings.work(),
                settings.work().resolve("generate.log")));
        int exit = generator.awaitExit(within(STOP));
        live.remove(generator);
        if (exit != 0) {
            throw new Stop("generating the data failed (exit " + exit + "):\n" + tail(generator.lines()));
        }
    }

    /** Starts central number {@code centrals + 1} on {@code listenPort} (0: any free port). */
    private JarProcess startCentral(int listenPort) throws IOException {
        centrals++;
        Map<String, String> env = new HashMap<>();
        env.put("SERVER_PORT", String.valueOf(listenPort));
        env.put("AGENCIES", String.valueOf(settings.agencies()));
        env.put("STORAGE_FILEPATH", store.toString());
        env.put("LOGGING_LEVEL", "INFO");
        // The operator's page (another branch) would take port 8080 by default: off here.
        env.put("STATUS_PORT", "0");
        return started(JarProcess.start(settings.central(), env, store.getParent(),
                settings.work().resolve("central-" + centrals + ".log")));
    }

    private JarProcess startAgency(int id) throws IOException {
        Map<String, String> env = Map.of("CLI_ID", String.valueOf(id), "CLI_SERVER_ADDRESS", "127.0.0.1:" + port,
                "CLI_DATA_FILE", inputs.file(id).toAbsolutePath().toString(),
                "CLI_BATCH_MAXAMOUNT", String.valueOf(settings.batch(id)),
                // DEBUG: the agency logs every BATCH_ACK it receives, which the soak checks against the store
                "CLI_LOG_LEVEL", "DEBUG");
        return started(JarProcess.start(settings.client(), env, settings.work().resolve("agency-" + id),
                settings.work().resolve("agency-" + id + ".log")));
    }

    /**
     * Waits for the kill's moment: as soon as the store has grown by its bytes, or after its delay, both counted
     * from the central listening for an early kill, else from every agency having been welcomed by this central.
     * While agencies are still coming back the store may grow by {@code --max-growth-kb} at most, so that no cycle
     * takes much more of the bets than that. Returns what came first ({@code growth}, {@code delay}, or
     * {@code growth before all back}), or null when the store is so nearly complete that the draw could come
     * before the kill.
     */
    private String awaitKillMoment(KillSchedule.Kill kill) throws IOException, InterruptedException, Stop {
        long sizeAtListen = storeSize();
        long reserve = Math.min(RESERVE_BYTES, inputs.storeBytes() / 20);
        boolean counting = kill.early();
        long since = listenedAt;
        long sizeThen = sizeAtListen;
        while (true) {
            checkAlive();
            checkTime();
            long size = storeSize();
            if (size + reserve >= inputs.storeBytes()) {
                return null;
            }
            if (!counting && allWelcomed()) {
                counting = true;
                since = System.nanoTime();
                sizeThen = size;
            }
            if (!counting && size - sizeAtListen >= settings.maxGrowth()) {
                return GROWTH_BEFORE_ALL_BACK;
            }
            if (counting && size - sizeThen >= kill.growth()) {
                return GROWTH;
            }
            if (counting && System.nanoTime() - since >= kill.delay().toNanos()) {
                return DELAY;
            }
            // Until every agency is back, each look copies all their lines so far: less often.
            Thread.sleep(counting ? POLL_MILLIS : WELCOME_POLL_MILLIS);
        }
    }

    /**
     * Whether every agency has logged a WELCOME since the last kill (so from the central now running). An agency
     * that stays out longer than a central may take to start is a failure.
     */
    private boolean allWelcomed() throws Stop {
        for (AgencyTranscript transcript : transcripts) {
            JarProcess agency = agencies.get(transcript.agency() - 1);
            transcript.read(agency.lines());
            if (transcript.welcomes() > welcomesAtKill[transcript.agency() - 1]) {
                continue;
            }
            if (!agency.isAlive() || System.nanoTime() - listenedAt > READY.toNanos()) {
                throw new Stop("agency " + transcript.agency() + " was not welcomed by central " + centrals
                        + (agency.isAlive() ? " within " + READY.toSeconds() + " s" : ": it ended") + ":\n"
                        + tail(agency.lines()));
            }
            return false;
        }
        return true;
    }

    private void checkAlive() throws InterruptedException, Stop {
        if (!central.isAlive()) {
            throw new Stop("central " + centrals + " ended by itself (exit " + central.awaitExit(GONE) + "):\n"
                    + tail(central.lines()));
        }
    }

    /**
     * Reads the log of the central that has just ended, adds its figures and checks it against what the store shows:
     * {@code rowsAdded} rows since it started (-1: not known, the store has a problem).
     */
    private CentralTranscript centralEnded(boolean last, long rowsAdded) {
        CentralTranscript transcript = CentralTranscript.of(central.lines());
        String name = "central " + centrals;
        transcript.problems(name, last, !last, tailAtStart, rowsAdded).forEach(report::fail);
        report.draws += transcript.draws();
        report.repairs += transcript.repairs().size();
        report.bytesCut += transcript.repairs().stream().mapToLong(Long::longValue).sum();
        report.batchesRepeated += transcript.batchesRepeated();
        report.betsRepeated += transcript.betsRepeated();
        report.centralFailLines += transcript.failLines().size();
        return transcript;
    }

    /**
     * Every BATCH_ACK an agency has logged by now came from a central that has ended by now ({@code when}), so the
     * bets it acknowledged must be among the store's rows.
     */
    private void checkAcknowledged(StoreCheck.Scan scan, String when) {
        for (AgencyTranscript transcript : transcripts) {
            transcript.read(agencies.get(transcript.agency() - 1).lines());
            long stored = scan.rows()[transcript.agency() - 1];
            if (transcript.ackedEnd() > stored && scan.problem() == null) {
                report.fail(String.format(Locale.ROOT, "agency %d logged a BATCH_ACK up to bet %,d, but when %s the "
                        + "store held %,d of its bets: an acknowledged bet was lost", transcript.agency(),
                        transcript.ackedEnd(), when, stored));
            }
        }
    }

    /** Waits until every agency has ended, while the central runs. */
    private void awaitAgencies() throws InterruptedException, Stop {
        while (agencies.stream().anyMatch(JarProcess::isAlive)) {
            checkAlive();
            checkTime();
            Thread.sleep(50);
        }
    }

    /** Each agency exited 0 with exactly the winners of its input; adds their figures. */
    private void checkAgencies() throws InterruptedException {
        for (AgencyTranscript transcript : transcripts) {
            int id = transcript.agency();
            JarProcess agency = agencies.get(id - 1);
            int exit = agency.awaitExit(GONE);
            live.remove(agency);
            transcript.read(agency.lines());
            if (exit != 0) {
                report.fail("agency " + id + " exited with " + exit + ":\n" + tail(agency.lines()));
            }
            if (!transcript.winners().equals(List.of(inputs.winners(id)))) {
                report.fail("agency " + id + " logged cant_ganadores " + transcript.winners() + ", expected exactly ["
                        + inputs.winners(id) + "] (the bets on the winning number in its input)");
            }
            report.acks += transcript.acks();
            report.ackedBets += transcript.ackedBets();
            report.neverAcked += inputs.bets(id) - transcript.distinctAcked();
            report.reconnects += transcript.reconnects();
            report.retries += transcript.retries();
            report.resumes += transcript.resumes();
            report.finishes += transcript.finishes();
            report.finishesAgain += Math.max(0, transcript.finishes() - 1);
            report.agencyFailLines += transcript.failLines().size();
        }
    }

    /** Scans the store; its first problem is reported once, when found. */
    private StoreCheck.Scan scanned() throws IOException {
        StoreCheck.Scan scan = check.scan();
        if (scan.problem() != null && !storeProblemReported) {
            storeProblemReported = true;
            report.fail("after central " + centrals + ": " + scan.problem());
        }
        return scan;
    }

    private long storeSize() throws IOException {
        try {
            return Files.size(store);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** {@code step}, or what is left of the soak's time bound if that is less; fails once the bound is reached. */
    private Duration within(Duration step) throws Stop {
        checkTime();
        return Duration.ofNanos(Math.min(deadline - System.nanoTime(), step.toNanos()));
    }

    private void checkTime() throws Stop {
        if (System.nanoTime() >= deadline) {
            throw new Stop("the soak ran past its bound of " + settings.timeout().toSeconds() + " s");
        }
    }

    /** Waits until the central now running says it listens; returns its port. */
    private int awaitListening() throws InterruptedException, Stop {
        try {
            int listening = central.awaitPort(within(READY));
            listenedAt = System.nanoTime();
            return listening;
        } catch (IllegalStateException e) {
            throw new Stop("central " + centrals + " did not start: " + e.getMessage());
        }
    }

    private JarProcess started(JarProcess process) {
        live.add(process);
        return process;
    }

    /** {@code count(1),count(2),...} over the agencies. */
    private static String counts(int agencies, IntUnaryOperator count) {
        return IntStream.rangeClosed(1, agencies).mapToObj(id -> String.valueOf(count.applyAsInt(id)))
                .collect(Collectors.joining(","));
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /** Kills (SIGKILL, by its own handle) every process the soak started that may still run. */
    @Override
    public void close() {
        for (JarProcess process : live) {
            process.close();
        }
        live.clear();
    }
}
