package ar.loteria.central.ledger.csv;

import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.central.log.CentralLog;
import ar.loteria.codec.WinningRule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bets file: {@code agency,first_name,last_name,document,birthdate,number} rows exactly as Python's
 * {@code csv.writer} writes them, appended to and never rewritten. Opening an existing file counts its rows per
 * agency and cuts a half-written last row (left by a killed process), logging what it cut. Opened to sync, every
 * append is also forced to the disk (fdatasync) before it returns, so an acknowledged batch survives a power loss
 * too, at the price of one disk flush per append.
 *
 * <p>Storage thread only (opened, used and closed there): not thread-safe by design.
 */
public final class CsvBetStore implements BetStore {

    private static final int FIELDS = 6;

    private final Path path;
    private final FileChannel file;
    private final Map<Long, Long> countsAtOpen;
    private final boolean sync;
    private long syncs;
    /** The file's size, where the next append goes: moved by the appends, never asked of the file. */
    private long size;

    private CsvBetStore(Path path, FileChannel file, Map<Long, Long> countsAtOpen, boolean sync, long size) {
        this.path = path;
        this.file = file;
        this.countsAtOpen = Map.copyOf(countsAtOpen);
        this.sync = sync;
        this.size = size;
    }

    /**
     * Opens (or creates) the store at {@code path}; appends are not forced to the disk.
     *
     * @throws CorruptStoreException when a complete row is not a stored bet
     */
    public static CsvBetStore open(Path path) throws IOException {
        return open(path, false);
    }

    /**
     * Opens (or creates) the store at {@code path}, and the folders on the way to it.
     *
     * @param sync whether every append is forced to the disk before it returns
     * @throws CorruptStoreException  when a complete row is not a stored bet
     * @throws UnusableStoreException when the file cannot be created, opened, read or repaired: it names the file
     *                                and the cause
     */
    public static CsvBetStore open(Path path, boolean sync) throws UnusableStoreException {
        Path parent = path.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                createFolders(path, parent);
            }
            FileChannel file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                return scanned(path, file, sync);
            } catch (IOException | RuntimeException e) {
                file.close();
                throw e;
            }
        } catch (IOException e) {
            throw UnusableStoreException.of(path, e);
        }
    }

    /** Creates the missing folders of {@code folder}, where {@code store} goes; a file in the way says so. */
    private static void createFolders(Path store, Path folder) throws IOException {
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException e) {
            // What Java says when a file stands where a folder should: it names the file, and only the file.
            throw new UnusableStoreException(store, e.getFile() + " is a file, not a folder", e);
        }
    }

    /** Counts the rows of an open file and cuts a half-written last row. */
    private static CsvBetStore scanned(Path path, FileChannel file, boolean sync) throws IOException {
        Map<Long, Long> counts = new HashMap<>();
        StoredRowScanner.Result scan = StoredRowScanner.scan(file, (row, start, end, fields, line) -> {
            long agency = fields == FIELDS ? StoredRowScanner.number(row, start[0], end[0]) : -1;
            if (agency < 0 || StoredRowScanner.number(row, start[5], end[5]) < 0) {
                throw new CorruptStoreException(path, "row " + line + " is not a stored bet");
            }
            counts.merge(agency, 1L, Long::sum);
        });
        long size = file.size();
        if (scan.completeBytes() < size) {
            file.truncate(scan.completeBytes());
            CentralLog.storeRepaired(path, size - scan.completeBytes());
        }
        file.position(scan.completeBytes());
        return new CsvBetStore(path, file, counts, sync, scan.completeBytes());
    }

    @Override
    public Map<Long, Long> countsAtOpen() {
        return countsAtOpen;
    }

    @Override
    public void append(List<RenderedRows> batches) throws IOException {
        long before = size;
        ByteBuffer[] out = new ByteBuffer[batches.size()];
        long bytes = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = ByteBuffer.wrap(batches.get(i).bytes());
            bytes += out[i].remaining();
        }
        try {
            // One gathering write for the whole group, usually a single system call.
            for (long written = 0; written < bytes; ) {
                written += file.write(out);
            }
            if (sync) {
                // fdatasync: the data, and the file size needed to read it back; no other metadata.
                file.force(false);
                syncs++;
            }
            size = before + bytes;
        } catch (IOException e) {
            // Nothing of a failed group may stay behind, or a resent batch would be stored twice.
            try {
                file.truncate(before);
                file.position(before);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public void winningDocuments(Map<Long, List<String>> into) throws IOException {
        documentsOn(WinningRule.NUMBER, into);
    }

    /** Reads the whole store back and adds the documents of its bets on {@code number}, per agency, in order. */
    void documentsOn(int number, Map<Long, List<String>> into) throws IOException {
        StoredRowScanner.scanRowsOn(file, 0, number, (row, start, stop, fields, line) -> {
            if (fields == FIELDS) {
                long agency = StoredRowScanner.number(row, start[0], stop[0]);
                into.computeIfAbsent(agency, a -> new ArrayList<>()).add(StoredRowScanner.text(row, start[3], stop[3]));
            }
        });
    }

    @Override
    public long syncs() {
        return sync ? syncs : -1;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
