package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Finish;
import ar.loteria.codec.FinishAck;
import ar.loteria.testkit.EmbeddedPeer;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static ar.loteria.central.EmbeddedCentral.GOOD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage thread answers in rounds: the log lines of a round go out on the central's standard output with one
 * write, before any of the round's replies reaches a connection (CONTRACT.md: a batch's line before its
 * acknowledgement).
 */
class StorageRoundTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    /** Every write the central's standard output got, as text. */
    private final List<String> writes = new ArrayList<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("ar.loteria.central");
    private PrintStream original;
    private Level level;

    @BeforeEach
    void recordStandardOutput() {
        original = System.out;
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(original);
        logger.setLevel(level);
    }

    @Test
    void aRoundsLinesAreWrittenOnceAndBeforeAnyOfItsReplies() throws Exception {
        // given: two agencies with a batch each, and a FINISH, waiting for the storage thread
        EmbeddedChannel storageThread = central.startWithLaggingStorage();
        EmbeddedPeer one = central.welcomedThrough(storageThread, 1);
        EmbeddedPeer two = central.welcomedThrough(storageThread, 2);
        List<String> seenAtFirstReply = new ArrayList<>();
        for (EmbeddedPeer peer : List.of(one, two)) {
            peer.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
                @Override
                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                    if (seenAtFirstReply.isEmpty()) {
                        seenAtFirstReply.add(String.join("", writes));
                    }
                    super.write(ctx, msg, promise);
                }
            });
        }
        one.send(new BetBatch(1, 0, List.of(GOOD)));
        two.send(new BetBatch(2, 0, List.of(GOOD, GOOD)));
        one.send(new Finish(1, 1));
        writes.clear();

        // when
        storageThread.runPendingTasks();

        // then: the replies, in order
        assertEquals(List.of(new BatchAck(0, 1), new FinishAck(1, 1)), one.received());
        assertEquals(List.of(new BatchAck(0, 2)), two.received());
        // and the round's three lines were one write, out before the first reply was
        assertEquals(1, writes.size(), String.valueOf(writes));
        String[] lines = writes.get(0).split("\n");
        assertEquals(3, lines.length, writes.get(0));
        assertTrue(lines[0].endsWith("action: apuesta_recibida | result: success | cantidad: 1"), lines[0]);
        assertTrue(lines[1].endsWith("action: apuesta_recibida | result: success | cantidad: 2"), lines[1]);
        assertTrue(lines[2].endsWith("action: fin_apuestas | result: success | agency: 1 | apuestas: 1"
                + " | agencias_listas: 1"), lines[2]);
        assertEquals(writes.get(0), seenAtFirstReply.get(0));
        storageThread.finishAndReleaseAll();
    }
}
