package ar.loteria.codec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BetRulesTest {

    private static final LocalDate TODAY = LocalDate.of(2026, 11, 27);

    private static Bet bet(String first, String last, String document, String birthdate, int number) {
        return new Bet(first, last, document, birthdate, number);
    }

    @Test
    void acceptsTheCourseDataShape() {
        assertNull(BetRules.violation(bet("Santiago Lionel", "Lorca", "30904465", "1999-03-17", 2201), TODAY));
    }

    @Test
    void acceptsCommasQuotesAndLineBreaksInNames() {
        assertNull(BetRules.violation(bet("Ana, \"la\"\r\nprimera", "D'Ángelo", "00000042", "2000-02-29", 0), TODAY));
    }

    @Test
    void acceptsNumberBoundsAndToday() {
        assertNull(BetRules.violation(bet("A", "B", "1", TODAY.toString(), 9999), TODAY));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "'';Lorca;30904465;1999-03-17;1;first_name is empty",
        "'   ';Lorca;30904465;1999-03-17;1;first_name is empty",
        "Ana;'';30904465;1999-03-17;1;last_name is empty",
        "Ana;Lorca;3090A465;1999-03-17;1;non-digit",
        "Ana;Lorca;'';1999-03-17;1;digits",
        "Ana;Lorca;123456789012345678901;1999-03-17;1;digits",
        "Ana;Lorca;30904465;2023-02-30;1;not a real date",
        "Ana;Lorca;30904465;2023-13-01;1;not a real date",
        "Ana;Lorca;30904465;2023-00-10;1;not a real date",
        "Ana;Lorca;30904465;1999/03/17;1;not YYYY-MM-DD",
        "Ana;Lorca;30904465;99-03-17;1;not YYYY-MM-DD",
        "Ana;Lorca;30904465;1899-12-31;1;outside",
        "Ana;Lorca;30904465;2026-11-28;1;outside",
        "Ana;Lorca;30904465;1999-03-17;10000;outside 0..9999",
        "Ana;Lorca;30904465;1999-03-17;-1;outside 0..9999",
    })
    void refusesInvalidBet(String first, String last, String document, String birthdate, int number, String why) {
        String violation = BetRules.violation(bet(first, last, document, birthdate, number), TODAY);

        assertNotNull(violation);
        assertTrue(violation.contains(why), violation);
        // one field is wrong in each case: its own rule, and only it, refuses it with the same message
        List<String> byField = fieldViolations(first, last, document, birthdate, number);
        assertEquals(List.of(violation), byField.stream().filter(Objects::nonNull).toList(), byField.toString());
    }

    @Test
    void fieldRulesAcceptEachFieldOfAValidBet() {
        List<String> byField = fieldViolations("Santiago Lionel", "D'Ángelo", "00000042", TODAY.toString(), 9999);

        assertEquals(Arrays.asList(null, null, null, null, null), byField);
    }

    private static List<String> fieldViolations(String first, String last, String document, String birthdate,
                                                int number) {
        return Arrays.asList(BetRules.firstNameViolation(first), BetRules.lastNameViolation(last),
                BetRules.documentViolation(document), BetRules.birthdateViolation(birthdate, TODAY),
                BetRules.numberViolation(number));
    }

    @Test
    void refusesControlCharactersOtherThanLineBreaks() {
        String violation = BetRules.violation(bet("Ana\u0000", "Lorca", "1", "1999-03-17", 1), TODAY);

        assertNotNull(violation);
        assertTrue(violation.contains("U+0000"), violation);
    }

    @Test
    void refusesNameLongerThanAStr8() {
        String violation = BetRules.violation(bet("é".repeat(128), "Lorca", "1", "1999-03-17", 1), TODAY);

        assertNotNull(violation);
        assertTrue(violation.contains("longer than 255 bytes"), violation);
    }
}
