package ar.loteria.bench.reference;

import ar.loteria.logging.ActionLine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The reference central's store, the simplest there is: one thread ("reference-writer") takes what the selector
 * thread queued, in order, renders the bets of each batch as rows of the store's format (docs/PROTOCOL.md section
 * 8: Python's {@code csv.writer}, QUOTE_MINIMAL, CRLF), appends all it took with one write, and only then hands the
 * replies back to the selector thread. Created by {@link ReferenceCentral}, which closes it.
 */
final class CsvAppender {

    /** Tasks taken at once: one write for all their rows. */
    private static final int MAX_GROUP = 256;
    private static final long JOIN_MILLIS = 10_000;

    /**
     * A reply to send once everything queued before it is written; with {@code bets} (the bets of a BETS payload,
     * {@code count} of them, of {@code agency}) it is a batch's acknowledgement, sent once its rows are written.
     */
    record Task(Connection connection, ByteBuffer reply, long agency, byte[] bets, int count) {
    }

    private static final Task STOP = new Task(null, null, 0, null, 0);

    private final FileChannel file;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Queue<Task> answered = new ConcurrentLinkedQueue<>();
    private final Thread thread = new Thread(this::run, "reference-writer");
    private Runnable wakeup;
    private byte[] rows = new byte[1 << 20];
    private int length;

    private CsvAppender(FileChannel file) {
        this.file = file;
    }

    /** Opens {@code store} for appending (created if missing). */
    static CsvAppender open(Path store) throws IOException {
        return new CsvAppender(FileChannel.open(store, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    /** Starts the writer thread; {@code wakeup} tells the selector thread that replies are ready. */
    void start(Runnable wakeup) {
        this.wakeup = wakeup;
        thread.start();
    }

    /** Selector thread: queues a task behind the others. */
    void submit(Task task) {
        queue.add(task);
    }

    /** Selector thread: the next task whose rows are written, or null. */
    Task answered() {
        return answered.poll();
    }

    /** Writer thread. */
    private void run() {
        List<Task> group = new ArrayList<>(MAX_GROUP);
        try {
            boolean stopping = false;
            while (!stopping) {
                group.add(queue.take());
                queue.drainTo(group, MAX_GROUP - 1);
                stopping = group.remove(STOP);
                length = 0;
                for (Task task : group) {
                    if (task.bets() != null) {
                        render(task);
                    }
                }
                ByteBuffer out = ByteBuffer.wrap(rows, 0, length);
                while (out.hasRemaining()) {
                    file.write(out);
                }
                answered.addAll(group);
                group.clear();
                wakeup.run();
            }
        } catch (IOException e) {
            // Nothing after this could be acknowledged truthfully: the reference stops, loudly.
            ReferenceCentral.error(ActionLine.fail("append").withError(e));
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The rows of one batch: {@code agency,first_name,last_name,document,birthdate,number} and CRLF each. */
    private void render(Task task) {
        byte[] bets = task.bets();
        byte[] agency = Long.toString(task.agency()).getBytes(StandardCharsets.US_ASCII);
        // A quoted field takes at most twice its bytes plus two quotes: room for the worst case of the whole batch.
        ensure(2 * bets.length + task.count() * (agency.length + 16));
        int at = 0;
        for (int bet = 0; bet < task.count(); bet++) {
            System.arraycopy(agency, 0, rows, length, agency.length);
            length += agency.length;
            for (int field = 0; field < 4; field++) {
                rows[length++] = ',';
                at = field(bets, at);
            }
            rows[length++] = ',';
            length = decimal((bets[at] & 0xFF) << 8 | bets[at + 1] & 0xFF);
            at += 2;
            rows[length++] = '\r';
            rows[length++] = '\n';
        }
    }

    /** Copies the text at {@code at} (a length byte, then UTF-8), quoted when it holds a comma, quote, CR or LF. */
    private int field(byte[] bets, int at) {
        int start = at + 1;
        int end = start + (bets[at] & 0xFF);
        boolean quote = false;
        for (int i = start; i < end && !quote; i++) {
            byte b = bets[i];
            quote = b == ',' || b == '"' || b == '\r' || b == '\n';
        }
        if (!quote) {
            System.arraycopy(bets, start, rows, length, end - start);
            length += end - start;
            return end;
        }
        rows[length++] = '"';
        for (int i = start; i < end; i++) {
            if (bets[i] == '"') {
                rows[length++] = '"';
            }
            rows[length++] = bets[i];
        }
        rows[length++] = '"';
        return end;
    }

    /** Writes {@code value} (0..65535) in decimal at the end of the rows; returns the new length. */
    private int decimal(int value) {
        int digits = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10_000 ? 4 : 5;
        int at = length + digits;
        for (int i = at - 1, rest = value; i >= length; i--, rest /= 10) {
            rows[i] = (byte) ('0' + rest % 10);
        }
        return at;
    }

    private void ensure(int room) {
        if (length + room > rows.length) {
            rows = Arrays.copyOf(rows, Math.max(rows.length * 2, length + room));
        }
    }

    /** Main thread, after the selector thread stopped: writes what is queued, stops the writer, closes the file. */
    void close() throws IOException, InterruptedException {
        queue.add(STOP);
        thread.join(JOIN_MILLIS);
        if (thread.isAlive()) {
            ReferenceCentral.error(ActionLine.fail("close_store").withError("the writer thread did not stop"));
        }
        file.close();
    }
}
