package ar.loteria.central.ledger.postgres;

import ar.loteria.central.ledger.UnusableStoreException;
import ar.loteria.codec.WinningRule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The lottery's tables, created by the first central that starts on an empty database:
 * <ul>
 *   <li>{@code bets}: one row per bet, identified by its agency and its position in that agency's stream (the
 *       primary key, so a batch stored by one central and resent to another is never stored twice); a partial index
 *       holds only the winning bets, so the draw reads those and nothing else;</li>
 *   <li>{@code finishes}: one row per agency that sent its FINISH, with the bets it announced;</li>
 *   <li>{@code lottery}: one row, the lottery itself: how many agencies must finish, and the draw once made.</li>
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
    };

    private Schema() {
    }

    /**
     * Creates what is missing and records (or checks) how many agencies must finish, in one transaction: centrals
     * starting at once take turns, and a central configured for another lottery is refused rather than joined.
     *
     * @throws UnusableStoreException when the database's lottery expects another number of agencies
     */
    static void create(Connection connection, int agencies) throws SQLException, UnusableStoreException {
        try (Statement statement = connection.createStatement()) {
            // Two centrals creating the same table at once would fail on the catalog's unique keys: one at a time.
            statement.execute("SELECT pg_advisory_xact_lock(" + (LOCK + 1) + ")");
            for (String table : TABLES) {
                statement.execute(table);
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO lottery (agencies) VALUES (?) ON CONFLICT (id) DO NOTHING")) {
                insert.setInt(1, agencies);
                insert.executeUpdate();
            }
            try (ResultSet lottery = statement.executeQuery("SELECT agencies FROM lottery")) {
                lottery.next();
                int expected = lottery.getInt(1);
                if (expected != agencies) {
                    connection.rollback();
                    throw new UnusableStoreException("the database's lottery waits for " + expected
                            + " agencies but AGENCIES is " + agencies + ": centrals of one lottery share that value");
                }
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
    }
}
