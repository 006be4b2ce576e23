package ar.loteria.agency.config;

import ar.loteria.codec.Bet;
import ar.loteria.codec.BetRules;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Single-bet mode: {@code NOMBRE}, {@code APELLIDO}, {@code DOCUMENTO}, {@code NACIMIENTO} and {@code NUMERO} all
 * set make one bet, which the agency sends instead of its file. Each variable is checked with its own
 * {@link BetRules} rule, so an error names the variable at fault. Read once, at start.
 */
final class SingleBetSettings {

    static final String FIRST_NAME = "NOMBRE";
    static final String LAST_NAME = "APELLIDO";
    static final String DOCUMENT = "DOCUMENTO";
    static final String BIRTHDATE = "NACIMIENTO";
    static final String NUMBER = "NUMERO";
    /** In the order of the bet's fields. */
    private static final List<String> VARIABLES = List.of(FIRST_NAME, LAST_NAME, DOCUMENT, BIRTHDATE, NUMBER);

    private SingleBetSettings() {
    }

    /**
     * The bet of the five variables; empty when none is set; an error naming the first missing variable when only
     * some are, or the first invalid one.
     *
     * @param today birthdates after this day are refused
     */
    static Optional<Bet> read(Map<String, String> env, LocalDate today) throws AgencyConfigException {
        List<String> missing = new ArrayList<>();
        for (String variable : VARIABLES) {
            if (!ConfigSources.isSet(env.get(variable))) {
                missing.add(variable);
            }
        }
        if (missing.size() == VARIABLES.size()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new AgencyConfigException(missing.get(0), "single-bet mode needs " + String.join(", ", VARIABLES)
                    + "; missing " + String.join(", ", missing));
        }
        int number;
        try {
            number = Integer.parseInt(env.get(NUMBER));
        } catch (NumberFormatException e) {
            throw new AgencyConfigException(NUMBER, "'" + env.get(NUMBER) + "' is not an integer");
        }
        Bet bet = new Bet(env.get(FIRST_NAME), env.get(LAST_NAME), env.get(DOCUMENT), env.get(BIRTHDATE), number);
        check(FIRST_NAME, BetRules.firstNameViolation(bet.firstName()));
        check(LAST_NAME, BetRules.lastNameViolation(bet.lastName()));
        check(DOCUMENT, BetRules.documentViolation(bet.document()));
        check(BIRTHDATE, BetRules.birthdateViolation(bet.birthdate(), today));
        check(NUMBER, BetRules.numberViolation(bet.number()));
        return Optional.of(bet);
    }

    private static void check(String variable, String violation) throws AgencyConfigException {
        if (violation != null) {
            throw new AgencyConfigException(variable, violation);
        }
    }
}
