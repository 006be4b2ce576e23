package ar.loteria.central;

import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.EmbeddedPeer;
import ar.loteria.testkit.WireFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * Frames the central's real pipeline ({@link EmbeddedCentral}) cannot take: an unknown or central-only type, an
 * oversize length header, a truncated batch; each gets its ERROR, closes the connection and stores nothing.
 */
class PipelineBadFrameTest {

    @RegisterExtension
    final EmbeddedCentral central = new EmbeddedCentral();

    /** Bytes an agency sends after its HELLO, and the ERROR they must get. */
    record BadFrame(String name, Supplier<ByteBuf> bytes, ErrorCode code) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<BadFrame> badFrames() {
        return Stream.of(
                new BadFrame("unknown message type 0x55", () -> Unpooled.buffer().writeInt(1).writeByte(0x55),
                        ErrorCode.UNKNOWN_TYPE),
                new BadFrame("a message only the central sends (WELCOME)", () -> WireFrames.frame(new Welcome(1, 0)),
                        ErrorCode.UNKNOWN_TYPE),
                new BadFrame("length header 8189 (frame of 8 kB + 1)", () -> Unpooled.buffer().writeInt(8189),
                        ErrorCode.FRAME_TOO_LONG),
                // a BETS payload that announces one bet and stops in its first name
                new BadFrame("truncated batch", () -> Unpooled.buffer().writeInt(12).writeByte(0x02).writeInt(1)
                        .writeInt(0).writeShort(1).writeByte(9), ErrorCode.MALFORMED_FRAME));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFrames")
    void badFrameGetsItsErrorClosesAndStoresNothing(BadFrame frame) throws IOException {
        // given
        central.start(5);
        EmbeddedPeer wire = central.agency(1);

        // when
        wire.sendRaw(frame.bytes().get());

        // then
        assertEquals(frame.code(), ((ErrorReply) wire.receive()).code());
        assertFalse(wire.channel().isActive());
        verify(central.store(), never()).append(anyList());
    }
}
