package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.CloseSettings;
import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.codec.WinningRule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * The lottery's tables, created by the first central that starts on an empty database:
 * <ul>
 *   <li>{@code bets}: one row per bet, identified by its agency and its position in that agency's stream (the
 *       primary key, so a batch stored by one central and resent to another is never stored twice); a partial index
 *       holds only the winning bets, so the draw reads those and nothing else;</li>
 *   <li>{@code finishes}: one row per agency that sent its FINISH, with the bets it announced;</li>
 *   <li>{@code lottery}: one row, the lottery itself: how many agencies must finish, its close of betting (if
 *       any, and when its first FINISH came, from which a close after it counts), and the draw once made.</li>
 * </ul>
 * Centrals that share the database take turns through advisory locks, held until their transaction ends: the
 * lottery's lock ({@link #LOCK}), which storing and FINISH take shared and the draw exclusive, so no bet is stored
 * after the draw; and one lock per agency (its id as the key), which storing takes shared for each agency of the
 * group and FINISH exclusive for its agency, so no bet of an agency is stored after its FINISH while a FINISH
 * waits only for that agency's batches. Keys of agencies are below 2^32, the lottery's far above.
 */
final class Schema {

    /** The advisory lock of the lottery: shared to store bets or record a FINISH, exclusive to draw. */
    static final long LOCK = 0x4c6f746572696121L;
    /** The channel the draw is announced on. */
    static final String DRAW_CHANNEL = "lottery_draw";

    private static final String[] TABLES = {
        """
        CREATE TABLE IF NOT EXISTS bets (
            agency     bigint  NOT NULL,
            position   bigint  NOT NULL,
            first_name text    NOT NULL,
            last_name  text    NOT NULL,
            document   text    NOT NULL,
            birthdate  date    NOT NULL,
            number     integer NOT NULL,
            PRIMARY KEY (agency, position)
        )""",
        "CREATE INDEX IF NOT EXISTS bets_winning ON bets (agency, position) WHERE number = " + WinningRule.NUMBER,
        """
        CREATE TABLE IF NOT EXISTS finishes (
            agency      bigint      PRIMARY KEY,
            bets        bigint      NOT NULL,
            finished_at timestamptz NOT NULL DEFAULT now()
        )""",
        """
        CREATE TABLE IF NOT EXISTS lottery (
            id         boolean     PRIMARY KEY DEFAULT true CHECK (id),
            agencies   integer     NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            drawn_at   timestamptz,
            bets       bigint,
            winners    bigint
        )""",
        // The close of betting (DRAW_AT, DRAW_AFTER_SECONDS), when the first FINISH came, and the close that made
        // the draw; added to a lottery table made before them.
        "ALTER TABLE lottery ADD COLUMN IF NOT EXISTS draw_at timestamptz",
        "ALTER TABLE lottery ADD COLUMN IF NOT EXISTS draw_after_ms bigint",
        "ALTER TABLE lottery ADD COLUMN IF NOT EXISTS first_finish_at timestamptz",
        "ALTER TABLE lottery ADD COLUMN IF NOT EXISTS closed_at timestamptz",
    };

    private Schema() {
    }

    /**
     * Creates what is missing and records (or checks) how many agencies must finish and when betting closes, in one
     * transaction: centrals starting at once take turns, and a central configured for another lottery is refused
     * rather than joined.
     *
     * @throws UnusableStoreException when the database's lottery expects another number of agencies or another close
     */
    static void create(Connection connection, int agencies, CloseSettings close)
            throws SQLException, UnusableStoreException {
        try (Statement statement = connection.createStatement()) {
            // Two centrals creating the same table at once would fail on the catalog's unique keys: one at a time.
            statement.execute("SELECT pg_advisory_xact_lock(" + (LOCK + 1) + ")");
            for (String table : TABLES) {
                statement.execute(table);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lottery (agencies, draw_at,"
                    + " draw_after_ms) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                CloseSettings kept = truncated(close);
                insert.setInt(1, agencies);
                insert.setObject(2, kept.drawAt() == null ? null
                        : OffsetDateTime.ofInstant(kept.drawAt(), ZoneOffset.UTC));
                insert.setObject(3, kept.afterFirstFinish() == null ? null : kept.afterFirstFinish().toMillis());
                insert.executeUpdate();
            }
            try (ResultSet lottery = statement.executeQuery("SELECT agencies, draw_at, draw_after_ms FROM lottery")) {
                lottery.next();
                int expected = lottery.getInt(1);
                if (expected != agencies) {
                    connection.rollback();
                    throw new UnusableStoreException("the database's lottery waits for " + expected
                            + " agencies but AGENCIES is " + agencies + ": centrals of one lottery share that value");
                }
                CloseSettings recorded = closeOf(lottery, 2);
                if (!recorded.equals(truncated(close))) {
                    connection.rollback();
                    throw new UnusableStoreException("the database's lottery closes " + describe(recorded)
                            + " but DRAW_AT and DRAW_AFTER_SECONDS here say " + describe(close)
                            + ": centrals of one lottery share its close");
                }
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }

    /** The close of betting in the columns {@code draw_at, draw_after_ms} from {@code column} on. */
    static CloseSettings closeOf(ResultSet row, int column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        long after = row.getLong(column + 1);
        return new CloseSettings(at == null ? null : at.toInstant(),
                row.wasNull() ? null : Duration.ofMillis(after));
    }

    /** As the database keeps it: instants to the microsecond, durations to the millisecond. */
    private static CloseSettings truncated(CloseSettings close) {
        return new CloseSettings(close.drawAt() == null ? null : close.drawAt().truncatedTo(ChronoUnit.MICROS),
                close.afterFirstFinish() == null ? null : Duration.ofMillis(close.afterFirstFinish().toMillis()));
    }

    private static String describe(CloseSettings close) {
        if (!close.enabled()) {
            return "never (the draw waits for every agency)";
        }
        return (close.drawAt() == null ? "" : "at " + close.drawAt())
                + (close.drawAt() != null && close.afterFirstFinish() != null ? " or " : "")
                + (close.afterFirstFinish() == null ? ""
                : close.afterFirstFinish().toMillis() / 1000.0 + " s after the first FINISH");
    }
}
