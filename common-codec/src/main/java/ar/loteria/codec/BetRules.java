package ar.loteria.codec;

import io.netty.buffer.ByteBufUtil;

import java.time.LocalDate;

/**
 * What makes a bet valid, shared by the agency (to reject a bad line of its file before sending) and the central
 * (to refuse a batch whole before storing any of it). The rules are listed in {@code docs/PROTOCOL.md}.
 */
public final class BetRules {

    /** Highest number a bet can be on (four digits). */
    public static final int MAX_NUMBER = 9999;
    /** Longest document (DNI), in digits. */
    public static final int MAX_DOCUMENT_DIGITS = 20;
    /** Earliest birth year accepted. */
    public static final int MIN_BIRTH_YEAR = 1900;

    private BetRules() {
    }

    /**
     * Why {@code bet} is invalid, or {@code null} when it is valid.
     *
     * @param today birthdates after this day are refused
     */
    public static String violation(Bet bet, LocalDate today) {
        String problem = nameViolation("first_name", bet.firstName());
        if (problem == null) {
            problem = nameViolation("last_name", bet.lastName());
        }
        if (problem == null) {
            problem = documentViolation(bet.document());
        }
        if (problem == null) {
            problem = birthdateViolation(bet.birthdate(), today);
        }
        if (problem == null && (bet.number() < 0 || bet.number() > MAX_NUMBER)) {
            problem = "number " + bet.number() + " is outside 0.." + MAX_NUMBER;
        }
        return problem;
    }

    private static String nameViolation(String field, String value) {
        if (value.isBlank()) {
            return field + " is empty";
        }
        // A char is at most 3 UTF-8 bytes, so short names need no byte count.
        if (value.length() * 3 > MessageEncoder.MAX_STR8_BYTES
                && ByteBufUtil.utf8Bytes(value) > MessageEncoder.MAX_STR8_BYTES) {
            return field + " is longer than " + MessageEncoder.MAX_STR8_BYTES + " bytes";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Line breaks and tabs are text a CSV can carry (quoted); other control characters are not names.
            if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7F) {
                return field + " holds control character U+" + String.format("%04X", (int) c);
            }
        }
        return null;
    }

    private static String documentViolation(String document) {
        if (document.isEmpty() || document.length() > MAX_DOCUMENT_DIGITS) {
            return "document must have 1.." + MAX_DOCUMENT_DIGITS + " digits, has " + document.length();
        }
        for (int i = 0; i < document.length(); i++) {
            char c = document.charAt(i);
            if (c < '0' || c > '9') {
                return "document " + document + " holds a non-digit";
            }
        }
        return null;
    }

    private static String birthdateViolation(String date, LocalDate today) {
        if (date.length() != 10 || date.charAt(4) != '-' || date.charAt(7) != '-') {
            return "birthdate " + date + " is not YYYY-MM-DD";
        }
        int year = digits(date, 0, 4);
        int month = digits(date, 5, 7);
        int day = digits(date, 8, 10);
        if (year < 0 || month < 0 || day < 0) {
            return "birthdate " + date + " is not YYYY-MM-DD";
        }
        if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
            return "birthdate " + date + " is not a real date";
        }
        int asNumber = year * 10_000 + month * 100 + day;
        int todayAsNumber = today.getYear() * 10_000 + today.getMonthValue() * 100 + today.getDayOfMonth();
        if (year < MIN_BIRTH_YEAR || asNumber > todayAsNumber) {
            return "birthdate " + date + " is outside " + MIN_BIRTH_YEAR + "-01-01.." + today;
        }
        return null;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> java.time.Year.isLeap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** The decimal value of {@code text[from, to)}, or -1 when it holds a non-digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
