package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The close of betting as the lottery lived it, kept beside the bets file ({@code STORAGE_FILEPATH.close}) so that
 * a central restarted on the same store closes at the same moment, or, after the close, draws at start with the
 * same winners, whatever its configuration says now. Written only by a central with a close configured, or on a
 * store that already has such a log: the course's runs leave no file of it.
 *
 * <p>Two kinds of line, each written once: {@code first_finish,INSTANT} (when the lottery accepted its first FINISH,
 * from which {@code DRAW_AFTER_SECONDS} counts) and {@code closed,INSTANT,STORE_BYTES} (betting closed then, with
 * the bets file at that size). A log that does not fit the store (a new bets file, a line that cannot be read, a
 * close of a store of another size) is emptied and the central starts afresh, with a WARN; a line cut by a killed
 * process is cut off. Appends only, so a full disk does not keep a central from starting on it.
 *
 * <p>Storage thread only.
 */
final class CloseLog implements AutoCloseable {

    private static final String FIRST_FINISH = "first_finish";
    private static final String CLOSED = "closed";

    private final Path path;
    private final FileChannel file;
    private final boolean sync;
    private Instant firstFinish;
    private Instant closedAt;

    private CloseLog(Path path, FileChannel file, boolean sync, Instant firstFinish, Instant closedAt) {
        this.path = path;
        this.file = file;
        this.sync = sync;
        this.firstFinish = firstFinish;
        this.closedAt = closedAt;
    }

    /** Where the log of {@code store} lives. */
    static Path pathFor(Path store) {
        return store.resolveSibling(store.getFileName() + ".close");
    }

    /**
     * Opens the log beside {@code store}, keeping what it holds only if it fits the store as opened; {@code null}
     * when there is no log and no close is configured (nothing to keep).
     *
     * @param storeIsNew whether the bets file was just created (a new draw)
     * @param storeBytes the bets file's size
     * @param configured whether a close of betting is configured
     * @throws UnusableStoreException when the log cannot be opened or read: it names the file and the cause
     */
    static CloseLog open(Path store, boolean storeIsNew, long storeBytes, boolean configured, boolean sync)
            throws UnusableStoreException {
        Path path = pathFor(store);
        if (!configured && !Files.exists(path)) {
            return null;
        }
        try {
            return open(path, storeIsNew, storeBytes, sync);
        } catch (IOException e) {
            throw UnusableStoreException.of(path, e);
        }
    }

    private static CloseLog open(Path path, boolean storeIsNew, long storeBytes, boolean sync) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            byte[] bytes = new byte[(int) Math.min(file.size(), 64 * 1024)];
            file.read(ByteBuffer.wrap(bytes), 0);
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int complete = text.lastIndexOf('\n') + 1;
            Instant[] found = new Instant[2];
            boolean fits = !storeIsNew && file.size() <= bytes.length
                    && read(text.substring(0, complete), storeBytes, found);
            if (!fits) {
                if (file.size() > 0) {
                    CentralLog.closeDiscarded(path);
                }
                file.truncate(0);
                found[0] = null;
                found[1] = null;
            } else if (complete < file.size()) {
                CentralLog.storeRepaired(path, file.size() - complete);
                file.truncate(complete);
            }
            file.position(file.size());
            CloseLog log = new CloseLog(path, file, sync, found[0], found[1]);
            if (log.closedAt != null) {
                CentralLog.closeRestored(path, log.closedAt);
            }
            return log;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Whether every line is one of the two kinds and a close fits the store; puts what it found in {@code found}. */
    private static boolean read(String text, long storeBytes, Instant[] found) {
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split(",", -1);
            try {
                if (fields[0].equals(FIRST_FINISH) && fields.length == 2 && found[0] == null) {
                    found[0] = Instant.parse(fields[1]);
                } else if (fields[0].equals(CLOSED) && fields.length == 3 && found[1] == null
                        && Long.parseLong(fields[2]) == storeBytes) {
                    found[1] = Instant.parse(fields[1]);
                } else {
                    return false;
                }
            } catch (DateTimeParseException | NumberFormatException e) {
                return false;
            }
        }
        return true;
    }

    /** When the lottery accepted its first FINISH, or {@code null}. */
    Instant firstFinish() {
        return firstFinish;
    }

    /** When betting closed, if it did, or {@code null}. */
    Instant closedAt() {
        return closedAt;
    }

    /** Records the lottery's first accepted FINISH; handed to the operating system (and the disk, when syncing). */
    void recordFirstFinish(Instant at) throws IOException {
        write(FIRST_FINISH + "," + at + "\n");
        firstFinish = at;
    }

    /** Records that betting closed at {@code at}, with the store at {@code storeBytes}. */
    void recordClosed(Instant at, long storeBytes) throws IOException {
        write(CLOSED + "," + at + "," + storeBytes + "\n");
        closedAt = at;
    }

    private void write(String line) throws IOException {
        long before = file.position();
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
        try {
            while (bytes.hasRemaining()) {
                file.write(bytes);
            }
            if (sync) {
                file.force(false);
            }
        } catch (IOException e) {
            // No half line may stay: the next start would find the log unreadable.
            try {
                file.truncate(before);
                file.position(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
