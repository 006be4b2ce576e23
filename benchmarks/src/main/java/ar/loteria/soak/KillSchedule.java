package ar.loteria.soak;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The seeded moments of the soak's kills. For each cycle: as soon as the central's store has grown by a drawn number
 * of bytes, or after a drawn delay, whichever comes first, both counted from the moment every agency has been
 * welcomed by that central, or for an early kill from the moment it listens (the agencies may still be
 * reconnecting); and whether a torn row is appended to the store before the next start, with which bytes. The
 * same seed gives the same plan (when the store reaches a size still depends on the machine). Used on one thread
 * (the soak's).
 */
final class KillSchedule {

    /**
     * One cycle's kill.
     *
     * @param early   whether the kill's clock starts when the central listens rather than when every agency is back
     * @param delay   the kill comes this long after its clock starts
     * @param growth  or as soon as the store has grown by this many bytes since then, if that comes first
     * @param tear    whether a torn row is appended to the store after the kill
     */
    record Kill(boolean early, Duration delay, long growth, boolean tear) {
    }

    private final SplittableRandom random;
    private final long minDelayMillis;
    private final long maxDelayMillis;
    private final long maxGrowth;
    private final int tornPercent;
    private final int earlyPercent;

    KillSchedule(long seed, long minDelayMillis, long maxDelayMillis, long maxGrowth, int tornPercent,
                 int earlyPercent) {
        // Apart from the data's seed: the same --seed gives the same files and the same plan.
        this.random = new SplittableRandom(seed ^ 0x5EED_C4A5_4L);
        this.minDelayMillis = minDelayMillis;
        this.maxDelayMillis = maxDelayMillis;
        this.maxGrowth = maxGrowth;
        this.tornPercent = tornPercent;
        this.earlyPercent = earlyPercent;
    }

    Kill next() {
        long delay = minDelayMillis + random.nextLong(maxDelayMillis - minDelayMillis + 1);
        long growth = 1 + random.nextLong(maxGrowth);
        boolean tear = random.nextInt(100) < tornPercent;
        boolean early = random.nextInt(100) < earlyPercent;
        return new Kill(early, Duration.ofMillis(delay), growth, tear);
    }

    /**
     * The bytes of a torn row: the start of a store row of {@code agency}, cut before its line end; half the time
     * inside an open quoted field (a name with a comma), where a reader that ignored quotes would see a row end.
     */
    byte[] tornRow(int agency) {
        String row = random.nextBoolean()
                ? agency + ",\"Torn, Row\",Soak,00007574,1990-01-01,7574\r\n"
                : agency + ",Torn,Row,00007574,1990-01-01,7574\r\n";
        byte[] bytes = row.getBytes(StandardCharsets.UTF_8);
        int open = row.indexOf('"');
        // from 1 byte up to the whole row but its LF, so also "a row missing only its line feed"
        int cut = open >= 0 && random.nextBoolean()
                ? open + 1 + random.nextInt(row.indexOf('"', open + 1) - open)
                : 1 + random.nextInt(bytes.length - 1);
        byte[] torn = new byte[cut];
        System.arraycopy(bytes, 0, torn, 0, cut);
        return torn;
    }
}
