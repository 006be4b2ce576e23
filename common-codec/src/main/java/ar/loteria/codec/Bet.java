package ar.loteria.codec;

import java.util.Objects;

/**
 * One bet as it travels on the wire: text fields exactly as the agency read them. Whether they make a valid bet
 * (real date, digits only, number range) is checked by the central before anything is stored.
 *
 * @param firstName nombre
 * @param lastName  apellido
 * @param document  documento (DNI), digits kept as text so leading zeros survive
 * @param birthdate nacimiento, {@code YYYY-MM-DD}
 * @param number    the number bet on
 */
public record Bet(String firstName, String lastName, String document, String birthdate, int number) {

    public Bet {
        Objects.requireNonNull(firstName, "firstName");
        Objects.requireNonNull(lastName, "lastName");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(birthdate, "birthdate");
    }
}
