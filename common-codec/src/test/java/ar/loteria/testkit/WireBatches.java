package ar.loteria.testkit;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.MessageDecoder;
import ar.loteria.codec.MessageEncoder;
import ar.loteria.codec.WireBets;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Bets as the central holds them after decoding a frame: wire bytes ({@link WireBets}), not {@code Bet} objects. */
public final class WireBatches {

    private WireBatches() {
    }

    /** Encodes {@code bets} as one BETS payload and decodes it again. */
    public static WireBets decoded(List<Bet> bets) {
        ByteBuf payload = Unpooled.buffer();
        try {
            MessageEncoder.encode(new BetBatch(1, 0, bets), payload);
            return assertInstanceOf(WireBets.class, ((BetBatch) MessageDecoder.decode(payload)).bets());
        } finally {
            payload.release();
        }
    }
}
