package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.central.ledger.BetSink;
import ar.loteria.codec.Bet;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The bets of a lottery database read back for an export: agency by agency, each agency's bets in the order it
 * sent them, handed to a {@link BetSink} (which writes them as the course's {@code bets.csv}, say). Read through a
 * cursor, so memory does not grow with the database. The caller's thread.
 */
public final class PostgresExport {

    private static final int FETCH = 10_000;
    private static final int ROWS_PER_WRITE = 1_000;
    private static final String BETS = "SELECT agency, first_name, last_name, document,"
            + " to_char(birthdate, 'YYYY-MM-DD'), number FROM bets ORDER BY agency, position";

    private PostgresExport() {
    }

    /**
     * Hands every stored bet to {@code out}.
     *
     * @return the bets written
     */
    public static long write(DatabaseSettings settings, BetSink out) throws SQLException, IOException {
        Connector connector = new Connector(settings);
        long written = 0;
        try (Connection connection = connector.open("export", Connector.EXPORT_SOCKET_TIMEOUT_SECONDS);
             Statement statement = connection.createStatement()) {
            statement.setFetchSize(FETCH);
            try (ResultSet rows = statement.executeQuery(BETS)) {
                long agency = -1;
                List<Bet> pending = new ArrayList<>(ROWS_PER_WRITE);
                while (rows.next()) {
                    long next = rows.getLong(1);
                    if ((next != agency || pending.size() == ROWS_PER_WRITE) && !pending.isEmpty()) {
                        out.accept(agency, pending);
                        pending.clear();
                    }
                    agency = next;
                    pending.add(new Bet(rows.getString(2), rows.getString(3), rows.getString(4), rows.getString(5),
                            rows.getInt(6)));
                    written++;
                }
                if (!pending.isEmpty()) {
                    out.accept(agency, pending);
                }
            }
            connection.commit();
        }
        return written;
    }
}
