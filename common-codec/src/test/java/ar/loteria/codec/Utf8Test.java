package ar.loteria.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8Test {

    @ParameterizedTest
    @ValueSource(strings = {"", "41", "c3b1", "e282ac", "f09f8eb0", "efbfbf", "f48fbfbf", "4ac3ba616e"})
    void acceptsWellFormedUtf8(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(true, Utf8.isValid(bytes, 0, bytes.length), hex);
        // the decoder's one-pass check of a field agrees
        assertEquals(true, WireBets.classesOf(bytes, 0, bytes.length) >= 0, hex);
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "c0af", "c1bf", "c3", "e282", "e08080", "eda080", "f0808080", "f4908080", "f5",
        "ff", "c328", "e228a1"})
    void refusesMalformedUtf8(String hex) {
        byte[] bytes = HexFormat.of().parseHex(hex);
        assertEquals(false, Utf8.isValid(bytes, 0, bytes.length), hex);
        assertEquals(-1, WireBets.classesOf(bytes, 0, bytes.length), hex);
    }

    @org.junit.jupiter.api.Test
    void agreesWithTheJdkStrictDecoderOnRandomBytes() {
        Random random = new Random(8);
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = new byte[random.nextInt(6)];
            random.nextBytes(bytes);
            boolean accepted = jdkAccepts(bytes);
            assertEquals(accepted, Utf8.isValid(bytes, 0, bytes.length), HexFormat.of().formatHex(bytes));
            assertEquals(accepted, WireBets.classesOf(bytes, 0, bytes.length) >= 0, HexFormat.of().formatHex(bytes));
        }
    }

    private static boolean jdkAccepts(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
