package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Frames the central's real pipeline ({@link EmbeddedCentral}) cannot take: an unknown or central-only type, an
 * oversize length header, a truncated batch; each gets its ERROR and closes the connection.
 */
class PipelineBadFrameTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    @Test
    void unknownMessageTypeGetsAnErrorAndCloses() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        wire.sendRaw(Unpooled.buffer().writeInt(1).writeByte(0x55));

        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void messageOnlyTheCentralSendsIsRefused() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        wire.send(new Welcome(1, 0));

        assertEquals(ErrorCode.UNKNOWN_TYPE, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void oversizeLengthHeaderGetsAnErrorAndCloses() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        wire.sendRaw(Unpooled.buffer().writeInt(8189));

        assertEquals(ErrorCode.FRAME_TOO_LONG, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
    }

    @Test
    void truncatedBatchGetsAnErrorAndClosesWithNothingStored() throws IOException {
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        // a BETS payload that announces one bet and stops in its first name
        wire.sendRaw(Unpooled.buffer().writeInt(12).writeByte(0x02).writeInt(1).writeInt(0).writeShort(1)
                .writeByte(9));

        assertEquals(ErrorCode.MALFORMED_FRAME, ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
        verify(central.store(), never()).append(anyList());
    }
}
