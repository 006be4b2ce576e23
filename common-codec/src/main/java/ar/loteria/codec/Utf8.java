package ar.loteria.codec;

/** Checks that bytes are well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF). */
final class Utf8 {

    private Utf8() {
    }

    static boolean isValid(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            i = (bytes[i] & 0xFF) < 0x80 ? i + 1 : sequenceEnd(bytes, i, to);
            if (i < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Checks the multi-byte sequence that starts at {@code at} (its lead byte is 0x80 or above).
     *
     * @return the index after it, or -1 when it is not well-formed UTF-8 within {@code to}
     */
    static int sequenceEnd(byte[] bytes, int at, int to) {
        int lead = bytes[at] & 0xFF;
        int continuation;
        if (lead >= 0xC2 && lead <= 0xDF) {
            continuation = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            continuation = 2;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            continuation = 3;
        } else {
            return -1;
        }
        if (to - at <= continuation) {
            return -1;
        }
        int second = bytes[at + 1] & 0xFF;
        if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)
                || (lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) {
            return -1;
        }
        for (int k = 1; k <= continuation; k++) {
            if ((bytes[at + k] & 0xC0) != 0x80) {
                return -1;
            }
        }
        return at + continuation + 1;
    }
}
