package ar.loteria.central.config;

import java.time.Duration;
import java.time.Instant;

/**
 * The close of betting, opt-in: {@code DRAW_AT} (an instant) and {@code DRAW_AFTER_SECONDS} (counted from the first
 * FINISH the lottery accepted). Whichever comes first closes betting and makes the draw over what is stored, even if
 * not every agency finished; without either, the draw waits for {@code AGENCIES} agencies, as in the course.
 *
 * @param drawAt           DRAW_AT, or {@code null}
 * @param afterFirstFinish DRAW_AFTER_SECONDS, or {@code null}
 */
public record CloseSettings(Instant drawAt, Duration afterFirstFinish) {

    /** No close of betting: the course's draw. */
    public static final CloseSettings NONE = new CloseSettings(null, null);

    public CloseSettings {
        if (afterFirstFinish != null && (afterFirstFinish.isNegative() || afterFirstFinish.isZero())) {
            throw new IllegalArgumentException("a close after the first FINISH must be after it: " + afterFirstFinish);
        }
    }

    public boolean enabled() {
        return drawAt != null || afterFirstFinish != null;
    }
}
