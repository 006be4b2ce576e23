package ar.loteria.central.ledger.csv;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The agencies that have finished, kept beside the bets file ({@code STORAGE_FILEPATH.finished}) so that a central
 * restarted on the same store carries on with the same draw: it knows who finished, and draws at once if they were
 * all there, even when the agencies themselves have long exited. The bets file stays exactly the course's format.
 *
 * <p>One line per agency's first accepted FINISH: {@code agency,total,store_bytes} (the store's size then). At
 * open the lines must fit the store they sit beside, every total equal to the agency's rows and no size beyond
 * the file's; otherwise (the bets file was removed or replaced for a new draw) the log is started afresh. A new
 * bets file always starts a new log.
 *
 * <p>Storage thread only.
 */
public final class FinishLog implements AutoCloseable {

    /** What opening found. */
    public enum Found { NOTHING, RESTORED, DISCARDED }

    private final Path path;
    private final FileChannel file;
    private final boolean sync;
    private final Set<Long> finished;
    private final Found found;

    private FinishLog(Path path, FileChannel file, boolean sync, Set<Long> finished, Found found) {
        this.path = path;
        this.file = file;
        this.sync = sync;
        this.finished = finished;
        this.found = found;
    }

    /** Where the log of {@code store} lives. */
    public static Path pathFor(Path store) {
        return store.resolveSibling(store.getFileName() + ".finished");
    }

    /**
     * Opens the log beside {@code store}, keeping what it holds only if it fits the store as opened.
     *
     * @param storeIsNew whether the bets file was just created (a new draw)
     * @param storeBytes the bets file's size
     * @param counts     rows per agency in the bets file
     * @param sync       whether every record is forced to the disk before it returns
     */
    public static FinishLog open(Path store, boolean storeIsNew, long storeBytes, Map<Long, Long> counts,
                                 boolean sync) throws IOException {
        Path path = pathFor(store);
        Set<Long> finished = new LinkedHashSet<>();
        Found found = Found.NOTHING;
        if (Files.exists(path)) {
            String text = Files.readString(path, StandardCharsets.UTF_8);
            boolean fits = !storeIsNew && read(text, storeBytes, counts, finished);
            found = fits && !finished.isEmpty() ? Found.RESTORED : text.isEmpty() ? Found.NOTHING : Found.DISCARDED;
            if (!fits) {
                finished.clear();
            }
        }
        // Rewritten whole, and swapped in at once: what fits, without a torn last line; nothing when it did not fit.
        StringBuilder kept = new StringBuilder();
        for (long agency : finished) {
            kept.append(line(agency, counts.getOrDefault(agency, 0L), storeBytes));
        }
        Path fresh = path.resolveSibling(path.getFileName() + ".new");
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(out, kept.toString(), true);
        }
        Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new FinishLog(path, file, sync, finished, found);
    }

    /** Whether every complete line fits the store; adds their agencies to {@code into}. A torn last line is left. */
    private static boolean read(String text, long storeBytes, Map<Long, Long> counts, Set<Long> into) {
        String[] lines = text.split("\n", -1);
        // The last element is what follows the last line break: empty, or a line cut by a killed process.
        for (int i = 0; i < lines.length - 1; i++) {
            String[] fields = lines[i].split(",", -1);
            try {
                long agency = Long.parseLong(fields[0]);
                long total = Long.parseLong(fields[1]);
                long bytes = Long.parseLong(fields[2]);
                if (fields.length != 3 || bytes > storeBytes || total != counts.getOrDefault(agency, 0L)) {
                    return false;
                }
                into.add(agency);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                return false;
            }
        }
        return true;
    }

    private static String line(long agency, long total, long storeBytes) {
        return agency + "," + total + "," + storeBytes + "\n";
    }

    private static void write(FileChannel file, String text, boolean sync) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
        if (sync) {
            file.force(false);
        }
    }

    /** The agencies that had finished when it opened. */
    public Set<Long> finished() {
        return Set.copyOf(finished);
    }

    /** What opening found: nothing, a log that fits (restored), or one of another store (discarded). */
    public Found found() {
        return found;
    }

    /** Records an agency's first accepted FINISH; handed to the operating system (and the disk, when syncing). */
    public void record(long agency, long total, long storeBytes) throws IOException {
        write(file, line(agency, total, storeBytes), sync);
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
