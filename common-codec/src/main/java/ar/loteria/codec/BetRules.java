package ar.loteria.codec;

import io.netty.buffer.ByteBufUtil;

import java.time.LocalDate;

/**
 * What makes a bet valid, shared by the agency (to reject a bad line of its file before sending) and the central
 * (to refuse a batch whole before storing any of it). The rules are listed in {@code docs/PROTOCOL.md}. Each field
 * also has its rule on its own ({@link #firstNameViolation} ... {@link #numberViolation}), with the message
 * {@link #violation(Bet, LocalDate)} gives for it, for callers that must name the field at fault.
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
        return violation(bet.firstName(), bet.lastName(), bet.document(), bet.birthdate(), bet.number(), today);
    }

    /**
     * The same rules, checked on bet {@code index} of decoded wire bytes without building a {@link Bet} when the bet
     * is plainly valid; anything else (a field that needs a closer look, or a violation) goes through
     * {@link #violation(Bet, LocalDate)}, so the verdict and its message are exactly the same.
     */
    public static String violation(WireBets bets, int index, LocalDate today) {
        if (plainName(bets, index, WireBets.FIRST_NAME) && plainName(bets, index, WireBets.LAST_NAME)
                && plainDocument(bets, index) && plainBirthdate(bets, index, today)
                && bets.number(index) <= MAX_NUMBER) {
            return null;
        }
        return violation(bets.get(index), today);
    }

    /**
     * Certainly a valid name: printable ASCII or non-ASCII bytes (well-formed UTF-8, checked when decoded, so no
     * control character), with at least one visible ASCII character, so not blank. Read off the byte classes the
     * decoder recorded, without another look at the bytes.
     */
    private static boolean plainName(WireBets bets, int index, int field) {
        int classes = bets.classes(index, field);
        return (classes & WireBets.CONTROL) == 0 && (classes & WireBets.VISIBLE_ASCII) != 0;
    }

    private static boolean plainDocument(WireBets bets, int index) {
        int length = bets.length(index, WireBets.DOCUMENT);
        return length > 0 && length <= MAX_DOCUMENT_DIGITS
                && (bets.classes(index, WireBets.DOCUMENT) & WireBets.NON_DIGIT) == 0;
    }

    private static boolean plainBirthdate(WireBets bets, int index, LocalDate today) {
        if (bets.length(index, WireBets.BIRTHDATE) != 10) {
            return false;
        }
        byte[] bytes = bets.bytes();
        int at = bets.start(index, WireBets.BIRTHDATE);
        if (bytes[at + 4] != '-' || bytes[at + 7] != '-') {
            return false;
        }
        int year = digits(bytes, at, 4);
        int month = digits(bytes, at + 5, 2);
        int day = digits(bytes, at + 8, 2);
        if (year < MIN_BIRTH_YEAR || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
            return false;
        }
        int todayAsNumber = today.getYear() * 10_000 + today.getMonthValue() * 100 + today.getDayOfMonth();
        return year * 10_000 + month * 100 + day <= todayAsNumber;
    }

    private static int digits(byte[] bytes, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            if (bytes[i] < '0' || bytes[i] > '9') {
                return -1;
            }
            value = value * 10 + (bytes[i] - '0');
        }
        return value;
    }

    private static String violation(CharSequence firstName, CharSequence lastName, CharSequence document,
                                    CharSequence birthdate, int number, LocalDate today) {
        String problem = firstNameViolation(firstName);
        if (problem == null) {
            problem = lastNameViolation(lastName);
        }
        if (problem == null) {
            problem = documentViolation(document);
        }
        if (problem == null) {
            problem = birthdateViolation(birthdate, today);
        }
        if (problem == null) {
            problem = numberViolation(number);
        }
        return problem;
    }

    /** Why {@code value} is not a valid first name, or {@code null}. */
    public static String firstNameViolation(CharSequence value) {
        return nameViolation("first_name", value);
    }

    /** Why {@code value} is not a valid last name, or {@code null}. */
    public static String lastNameViolation(CharSequence value) {
        return nameViolation("last_name", value);
    }

    /** Why {@code number} is not a valid bet number, or {@code null}. */
    public static String numberViolation(int number) {
        return number < 0 || number > MAX_NUMBER ? "number " + number + " is outside 0.." + MAX_NUMBER : null;
    }

    /** As {@link String#isBlank()}: empty, or only whitespace. */
    private static boolean isBlank(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            if (!Character.isWhitespace(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String nameViolation(String field, CharSequence value) {
        if (isBlank(value)) {
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

    /** Why {@code document} is not a valid document (DNI), or {@code null}. */
    public static String documentViolation(CharSequence document) {
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

    /** Why {@code date} is not a valid birthdate ({@code YYYY-MM-DD}, not after {@code today}), or {@code null}. */
    public static String birthdateViolation(CharSequence date, LocalDate today) {
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
    private static int digits(CharSequence text, int from, int to) {
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
