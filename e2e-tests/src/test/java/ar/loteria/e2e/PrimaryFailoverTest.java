package ar.loteria.e2e;

import ar.loteria.agency.AgencyTuning;
import ar.loteria.launch.JarProcess;
import ar.loteria.launch.Launch;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static ar.loteria.e2e.Composition.awaitPort;
import static ar.loteria.e2e.Composition.rowsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two central jars on a PostgreSQL pair that fails over by itself ({@link PostgresPair}: pg_auto_failover, the
 * standby synchronous), four agency jars, and a node of the pair killed in the middle of the ingest: the primary
 * (every process of its node, as a lost machine, or its postmaster only), or the standby. Every time: each agency
 * exits 0 with exactly its winners, the export holds every bet exactly once, in each agency's order, and one draw;
 * when the primary is lost, every batch an agency saw acknowledged before the kill is already on the standby, before
 * it takes any write. Each test prints what the outage cost: from the kill to the first batch stored after it, to
 * the last agency's winners, and the batches the centrals refused meanwhile ({@code scripts/bench-failover.sh} runs
 * the larger shape).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class PrimaryFailoverTest {

    private static final int CENTRALS = 2;
    private static final int AGENCIES = 4;
    private static final int BETS = 5_000;
    /** Small batches: the ingest lasts long enough to be cut in the middle. */
    private static final int BATCH = 10;
    /** The share of the batches stored when the node is killed. */
    private static final double KILL_AT = 0.25;
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration RUN = Duration.ofSeconds(120);
    private static final String AGENCY_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m";
    private static final String STORED = "action: apuesta_recibida | result: success";
    private static final String BACK = "action: base_de_datos | result: success | ";
    private static final Pattern ACK = Pattern.compile("action: batch_ack \\| result: success \\| first: (\\d+) \\| "
            + "cantidad: (\\d+)");
    private static final Pattern REFUSED = Pattern.compile("lotes_rechazados: (\\d+)");

    @TempDir
    Path dir;

    @AutoClose
    final Composition composition = new Composition(() -> dir, RUN);

    @AutoClose
    PostgresPair pair;

    /** What the outage cost, in milliseconds from the kill, as the processes' logs tell it. */
    private record Outage(long firstStored, long lastWinners, long longestPause, long refused, boolean centralsLost) {
    }

    @Test
    void thePrimaryNodeKilledMidIngestIsReplacedByItsStandbyAndNothingAcknowledgedIsLost() throws Exception {
        lotteryWithANodeKilled(true, "node");
    }

    @Test
    void thePrimarysPostmasterKilledMidIngestLosesNothingAcknowledged() throws Exception {
        lotteryWithANodeKilled(true, "postmaster");
    }

    @Test
    void theStandbyNodeKilledMidIngestLeavesThePrimaryCarryingOnWithoutSynchronousReplication() throws Exception {
        Outage outage = lotteryWithANodeKilled(false, "node");

        // then also: the monitor turned synchronous replication off on the primary, which carried on alone
        String primary = pair.primary();
        assertEquals("", pair.sql(primary, "SHOW synchronous_standby_names"), pair.state());
        assertEquals("wait_primary", pair.sql("monitor",
                "SELECT reportedstate FROM pgautofailover.node WHERE nodename = '" + primary + "'"), pair.state());
        assertTrue(outage.longestPause() < RUN.toMillis(), "storing went on");
    }

    /**
     * The whole scenario: the pair and the centrals, the agencies, the kill once {@link #KILL_AT} of the batches are
     * stored, then every check; returns the outage's figures, printed.
     */
    private Outage lotteryWithANodeKilled(boolean primaryLost, String what) throws Exception {
        // given: the pair, synchronous, and two centrals on it
        pair = PostgresPair.start();
        String primary = pair.primary();
        String standby = "node1".equals(primary) ? "node2" : "node1";
        assertNotEquals("", pair.sql(primary, "SHOW synchronous_standby_names"), "synchronous replication is on");
        assertEquals("on", pair.sql(primary, "SHOW synchronous_commit"));
        composition.generate(dir.resolve("data"), AGENCIES, BETS, 3, 41, true);
        for (int id = 1; id <= AGENCIES; id++) {
            // rows are compared as text below, which is exact only without quoted fields
            assertFalse(String.join("\n", rowsOf(input(id))).contains("\""));
        }
        List<JarProcess> centrals = new ArrayList<>();
        for (int i = 1; i <= CENTRALS; i++) {
            centrals.add(composition.server(AGENCIES, Map.of("STORAGE_URL", pair.url(), "STORAGE_USER", "postgres"),
                    "central-" + i + ".log"));
        }
        List<String> addresses = new ArrayList<>();
        for (JarProcess central : centrals) {
            addresses.add("127.0.0.1:" + awaitPort(central));
        }
        List<JarProcess> agencies = new ArrayList<>();
        for (int id = 1; id <= AGENCIES; id++) {
            agencies.add(agency(id, String.join(",", addresses)));
        }

        // when: a node is killed once a quarter of the batches are stored
        long batches = (long) AGENCIES * ((BETS + BATCH - 1) / BATCH);
        awaitStored(centrals, (long) (batches * KILL_AT));
        long[] acknowledged = acknowledged(agencies);
        String victim = primaryLost ? primary : standby;
        Instant killed = pair.kill(victim, what);
        if (primaryLost) {
            assertAcknowledgedAreOnTheStandby(standby, acknowledged);
        }
        Outage outage = watch(centrals, agencies, killed, primaryLost);

        // then
        for (int id = 1; id <= AGENCIES; id++) {
            assertWinners(agencies.get(id - 1), input(id));
        }
        long atKill = 0;
        for (long bets : acknowledged) {
            atKill += bets;
        }
        assertTrue(atKill > 0 && atKill < (long) AGENCIES * BETS, "killed in the middle: " + atKill + " acknowledged");
        assertStoredExactlyOnce(pair.url());
        for (JarProcess central : centrals) {
            // a central none of whose agencies was left learns of the draw from its listener, within seconds
            central.awaitLog("action: sorteo \\| result: success", START);
            assertEquals(1, central.lines().stream().filter(l -> l.contains("action: sorteo | result: success"))
                    .count(), tail(central.lines()));
        }
        if (primaryLost) {
            assertTrue(outage.centralsLost(), "the centrals noticed the primary's loss");
            assertTrue(outage.firstStored() >= 0, "batches were stored after the promotion");
        }
        // No hammering: an agency refused reconnects after its pause and sends at most its window again, so the
        // refusals stay within that many per agency and pause (the agency's own values), whatever the outage.
        long rounds = outage.lastWinners() / AgencyTuning.DEFAULT.retryDelay().toMillis() + 2;
        assertTrue(outage.refused() <= AGENCIES * AgencyTuning.DEFAULT.window() * rounds,
                outage.refused() + " batches refused in " + outage.lastWinners() + " ms");
        System.out.printf("failover: killed %s %s | first_stored_ms: %d | longest_pause_ms: %d | last_winners_ms: %d"
                + " | refused: %d | centrals: %d | agencies: %d | bets: %d | batch: %d%n", primaryLost ? "primary"
                : "standby", what, outage.firstStored(), outage.longestPause(), outage.lastWinners(),
                outage.refused(), CENTRALS, AGENCIES, BETS, BATCH);
        for (JarProcess central : centrals) {
            central.terminate();
        }
        for (JarProcess central : centrals) {
            assertEquals(0, central.awaitExit(START), tail(central.lines()));
        }
        return outage;
    }

    private JarProcess agency(int id, String addresses) throws IOException {
        // DEBUG: every BATCH_ACK the agency received is in its log
        return composition.client("agency-" + id, new HashMap<>(Map.of("CLI_ID", String.valueOf(id),
                "CLI_SERVER_ADDRESS", addresses, "CLI_DATA_FILE", input(id).toString(), "CLI_BATCH_MAXAMOUNT",
                String.valueOf(BATCH), "CLI_LOG_LEVEL", "DEBUG", "JAVA_TOOL_OPTIONS", AGENCY_JVM)));
    }

    private Path input(int id) {
        return dir.resolve("data/agency-" + id + ".csv");
    }

    private static void awaitStored(List<JarProcess> centrals, long batches) throws InterruptedException {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (count(centrals, STORED) < batches) {
            assertTrue(System.nanoTime() < deadline, "the ingest did not reach " + batches + " batches");
            Thread.sleep(10);
        }
    }

    private static long count(List<JarProcess> processes, String text) {
        return processes.stream().mapToLong(p -> p.lines().stream().filter(l -> l.contains(text)).count()).sum();
    }

    /** Per agency (index id - 1), the bets its log shows acknowledged so far. */
    private static long[] acknowledged(List<JarProcess> agencies) {
        long[] bets = new long[agencies.size()];
        for (int i = 0; i < agencies.size(); i++) {
            for (String line : agencies.get(i).lines()) {
                Matcher ack = ACK.matcher(line);
                if (ack.find()) {
                    bets[i] = Math.max(bets[i], Long.parseLong(ack.group(1)) + Long.parseLong(ack.group(2)));
                }
            }
        }
        return bets;
    }

    /**
     * On the standby, once it has replayed all it received and before it takes any write (read-only in the same
     * query): every bet acknowledged before the kill, which synchronous replication put there before the ACK.
     */
    private void assertAcknowledgedAreOnTheStandby(String standby, long[] acknowledged) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"t".equals(pair.sql(standby, "SELECT NOT pg_is_in_recovery()"
                + " OR pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn()"))) {
            assertTrue(System.nanoTime() < deadline, "the standby did not replay what it received");
            Thread.sleep(20);
        }
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < acknowledged.length; i++) {
            values.append(i == 0 ? "" : ", ").append('(').append(i + 1).append(", ").append(acknowledged[i])
                    .append(')');
        }
        String rows = pair.sql(standby, "SELECT a.agency, a.bets, (SELECT count(*) FROM bets b WHERE b.agency ="
                + " a.agency AND b.position < a.bets), pg_is_in_recovery()"
                + " OR current_setting('default_transaction_read_only')::bool FROM (VALUES " + values
                + ") AS a(agency, bets) ORDER BY a.agency");
        for (String row : rows.split("\n")) {
            String[] fields = row.split("\\|");
            assertEquals("t", fields[3], "the standby took writes before it was checked:\n" + rows);
            assertEquals(fields[1], fields[2], "agency " + fields[0] + ": acknowledged before the kill, and on the"
                    + " standby:\n" + rows);
        }
    }

    /** Until every agency has ended: when batches were stored again, and what the centrals refused meanwhile. */
    private static Outage watch(List<JarProcess> centrals, List<JarProcess> agencies, Instant killed,
                                boolean primaryLost) throws InterruptedException {
        long killedMillis = killed.toEpochMilli();
        int[] seen = new int[centrals.size()];
        boolean[] back = new boolean[centrals.size()];
        long firstStored = -1;
        long lastStored = killedMillis;
        long longestPause = 0;
        long deadline = System.nanoTime() + RUN.toNanos();
        while (agencies.stream().anyMatch(JarProcess::isAlive) && System.nanoTime() < deadline) {
            long now = System.currentTimeMillis();
            boolean stored = false;
            for (int c = 0; c < centrals.size(); c++) {
                List<String> lines = centrals.get(c).lines();
                for (int i = seen[c]; i < lines.size(); i++) {
                    String line = lines.get(i);
                    back[c] |= line.contains(BACK) && line.contains("lotes_rechazados");
                    // After the primary's loss, a batch counts once its central is back on the database: a line
                    // read just after the kill may be of a batch committed just before it.
                    if (line.contains(STORED) && (back[c] || !primaryLost)) {
                        stored = true;
                    }
                }
                seen[c] = lines.size();
            }
            if (stored) {
                if (firstStored < 0) {
                    firstStored = now - killedMillis;
                }
                longestPause = Math.max(longestPause, now - lastStored);
                lastStored = now;
            }
            Thread.sleep(10);
        }
        long lastWinners = System.currentTimeMillis() - killedMillis;
        long refused = 0;
        boolean lost = false;
        for (JarProcess central : centrals) {
            for (String line : central.lines()) {
                lost |= line.contains("action: base_de_datos | result: fail");
                Matcher count = REFUSED.matcher(line);
                if (line.contains(BACK) && count.find()) {
                    refused += Long.parseLong(count.group(1));
                }
            }
        }
        return new Outage(firstStored, lastWinners, longestPause, refused, lost);
    }

    private static void assertWinners(JarProcess agency, Path input) throws Exception {
        assertEquals(0, agency.awaitExit(RUN), tail(agency.lines()));
        long expected = rowsOf(input).stream().filter(row -> row.endsWith(",7574")).count();
        String line = "action: consulta_ganadores | result: success | cant_ganadores: " + expected;
        assertTrue(agency.lines().stream().anyMatch(l -> l.endsWith(line)), tail(agency.lines()));
    }

    /** The server jar's export of the database, against every input file: each bet once, in order. */
    private void assertStoredExactlyOnce(String url) throws Exception {
        Path out = dir.resolve("export.csv");
        Launch launch = Launch.jar(Path.of(System.getProperty("lottery.serverJar")), "export", "--out", out.toString());
        try (JarProcess export = JarProcess.start(launch, Map.of("STORAGE_URL", url, "STORAGE_USER", "postgres"),
                dir.resolve("export"), dir.resolve("export.log"))) {
            assertEquals(0, export.awaitExit(START), String.join("\n", export.lines()));
        }
        Map<Integer, List<String>> exported = new HashMap<>();
        for (String row : rowsOf(out)) {
            int comma = row.indexOf(',');
            exported.computeIfAbsent(Integer.parseInt(row.substring(0, comma)), a -> new ArrayList<>())
                    .add(row.substring(comma + 1));
        }
        for (int id = 1; id <= AGENCIES; id++) {
            assertEquals(rowsOf(input(id)), exported.get(id), "agency " + id + "'s bets, once each, in order");
        }
        assertEquals(AGENCIES, exported.size());
        assertEquals("1", pair.sql(pair.primary(), "SELECT count(*) FROM lottery WHERE drawn_at IS NOT NULL"));
    }

    private static String tail(List<String> log) {
        return String.join("\n", log.subList(Math.max(0, log.size() - 30), log.size()));
    }
}
