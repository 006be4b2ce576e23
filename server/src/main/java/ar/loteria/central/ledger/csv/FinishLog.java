package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agencies that have finished, kept beside the bets file ({@code STORAGE_FILEPATH.finished}) so that a central
 * restarted on the same store carries on with the same draw: it knows who finished, and draws at once if they were
 * all there, even when the agencies themselves have long exited. The bets file stays exactly the course's format.
 *
 * <p>One line per agency's first accepted FINISH: {@code agency,total,store_bytes} (the store's size then), in
 * ASCII. At open the lines must fit the store they sit beside, every total equal to the agency's rows and no size
 * beyond the file's; otherwise (the bets file was removed or replaced for a new draw, or the file holds something
 * else) the log is emptied. A new bets file always starts a new log. A last line without its line break (cut short
 * by a crash) is cut off and logged. Opening writes nothing when nothing has to change, so a central restarts on a
 * full disk.
 *
 * <p>Storage thread only.
 */
public final class FinishLog implements AutoCloseable {

    /** What opening found. */
    public enum Found { NOTHING, RESTORED, DISCARDED }

    /** A whole line without its line break: three decimals that fit a {@code long}. */
    private static final Pattern LINE = Pattern.compile("(\\d{1,18}),(\\d{1,18}),(\\d{1,18})");
    /** The start of a line, as a crash may leave it; group 1 is the agency once its field is whole. */
    private static final Pattern TORN = Pattern.compile("(?:(\\d{1,18}),(?:\\d{0,18}(?:,\\d{0,18})?)?|\\d{1,18})");
    /** Larger than any log of a million agencies: a file this large is not one, and is not read into memory. */
    private static final long MAX_BYTES = 64L << 20;

    private final Path path;
    private final FileChannel file;
    private final boolean sync;
    private final Set<Long> finished;
    private final Found found;
    /** The log's size, where the next record goes: kept here rather than asked of the file at every record. */
    private long end;

    private FinishLog(Path path, FileChannel file, boolean sync, Set<Long> finished, Found found, long end) {
        this.path = path;
        this.file = file;
        this.sync = sync;
        this.finished = finished;
        this.found = found;
        this.end = end;
    }

    /** Where the log of {@code store} lives. */
    public static Path pathFor(Path store) {
        return store.resolveSibling(store.getFileName() + ".finished");
    }

    /**
     * Opens (or creates) the log beside {@code store}, keeping what it holds only if it fits the store as opened.
     *
     * @param storeIsNew whether the bets file was just created (a new draw)
     * @param storeBytes the bets file's size
     * @param counts     rows per agency in the bets file
     * @param sync       whether every record is forced to the disk before it returns
     * @throws UnusableStoreException when the log cannot be created, read or written: it names the file and the
     *                                cause
     */
    public static FinishLog open(Path store, boolean storeIsNew, long storeBytes, Map<Long, Long> counts,
                                 boolean sync) throws UnusableStoreException {
        Path path = pathFor(store);
        try {
            FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                return read(path, file, storeIsNew, storeBytes, counts, sync);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
        } catch (IOException e) {
            throw UnusableStoreException.of(path, e);
        }
    }

    /** Reads the open log, and cuts what does not count from it: all of it, or a torn last line. */
    private static FinishLog read(Path path, FileChannel file, boolean storeIsNew, long storeBytes,
                                  Map<Long, Long> counts, boolean sync) throws IOException {
        long size = file.size();
        Set<Long> finished = new LinkedHashSet<>();
        long keep = 0;
        String torn = null;
        boolean fits = !storeIsNew && size <= MAX_BYTES;
        if (fits && size > 0) {
            // Latin-1 maps every byte to one char, so offsets are byte offsets and no byte is an error.
            String text = StandardCharsets.ISO_8859_1.decode(readAll(file, (int) size)).toString();
            int end = text.lastIndexOf('\n') + 1;
            fits = fitting(text.substring(0, end), storeBytes, counts, finished)
                    && (end == text.length() || TORN.matcher(text.substring(end)).matches());
            keep = end;
            torn = end < text.length() ? text.substring(end) : null;
        }
        Found found = size == 0 ? Found.NOTHING : !fits ? Found.DISCARDED
                : finished.isEmpty() ? Found.NOTHING : Found.RESTORED;
        if (!fits) {
            finished.clear();
            keep = 0;
        }
        if (keep < size) {
            file.truncate(keep);
            file.force(false);
        }
        file.position(keep);
        if (fits && torn != null) {
            Matcher agency = TORN.matcher(torn);
            CentralLog.finishLineCut(path, torn.length(), torn,
                    agency.matches() && agency.group(1) != null ? Long.valueOf(agency.group(1)) : null);
        }
        return new FinishLog(path, file, sync, finished, found, keep);
    }

    private static ByteBuffer readAll(FileChannel file, int size) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        while (bytes.hasRemaining()) {
            if (file.read(bytes, bytes.position()) < 0) {
                break;
            }
        }
        return bytes.flip();
    }

    /** Whether every line of {@code lines} (each ending with its line break) fits the store; adds their agencies. */
    private static boolean fitting(String lines, long storeBytes, Map<Long, Long> counts, Set<Long> into) {
        if (lines.isEmpty()) {
            return true;
        }
        for (String line : lines.substring(0, lines.length() - 1).split("\n", -1)) {
            Matcher fields = LINE.matcher(line);
            if (!fields.matches()) {
                return false;
            }
            long agency = Long.parseLong(fields.group(1));
            long total = Long.parseLong(fields.group(2));
            long bytes = Long.parseLong(fields.group(3));
            if (bytes > storeBytes || total != counts.getOrDefault(agency, 0L)) {
                return false;
            }
            into.add(agency);
        }
        return true;
    }

    private static String line(long agency, long total, long storeBytes) {
        return agency + "," + total + "," + storeBytes + "\n";
    }

    /** The agencies that had finished when it opened. */
    public Set<Long> finished() {
        return Set.copyOf(finished);
    }

    /** What opening found: nothing, a log that fits (restored), or one of another store (discarded). */
    public Found found() {
        return found;
    }

    /**
     * Records an agency's first accepted FINISH; handed to the operating system (and the disk, when syncing). A line
     * that could not be written whole is taken back, so that it never joins the next one.
     */
    public void record(long agency, long total, long storeBytes) throws IOException {
        long before = end;
        ByteBuffer bytes = ByteBuffer.wrap(line(agency, total, storeBytes).getBytes(StandardCharsets.US_ASCII));
        try {
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            if (sync) {
                file.force(false);
            }
            end = before + bytes.limit();
        } catch (IOException e) {
            try {
                file.truncate(before);
                file.position(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
