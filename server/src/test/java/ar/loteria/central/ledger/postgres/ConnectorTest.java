package ar.loteria.central.ledger.postgres;

import ar.loteria.central.config.DatabaseSettings;
import ar.loteria.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The central's connections: the driver's timeouts it sets, and that those of {@code STORAGE_URL} win. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ConnectorTest {

    private static Connector connector(String url) {
        return new Connector(new DatabaseSettings(url, TestPostgres.USER, TestPostgres.PASSWORD));
    }

    @Test
    void theCentralsSocketTimeoutAppliesUnlessStorageUrlSetsItsOwn() throws Exception {
        // given
        String url = TestPostgres.shared().newDatabase();

        // when
        try (Connection plain = connector(url).open("storage");
             Connection exporting = connector(url).open("export", Connector.EXPORT_SOCKET_TIMEOUT_SECONDS);
             Connection own = connector(url + "?socketTimeout=7").open("storage");
             Connection ownExporting = connector(url + "?socketTimeout=7").open("export",
                     Connector.EXPORT_SOCKET_TIMEOUT_SECONDS)) {

            // then: the driver waits that long for any answer
            assertEquals(Connector.SOCKET_TIMEOUT_SECONDS * 1000, plain.getNetworkTimeout());
            assertEquals(Connector.EXPORT_SOCKET_TIMEOUT_SECONDS * 1000, exporting.getNetworkTimeout());
            assertEquals(7_000, own.getNetworkTimeout());
            assertEquals(7_000, ownExporting.getNetworkTimeout());
        }
    }

    @Test
    void aServerThatAcceptsConnectionsButNeverAnswersIsGivenUpAsUnreachable() throws Exception {
        // given: a port where the system completes every TCP handshake and nothing ever answers (never accepted)
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String url = "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/lottery?socketTimeout=1";

            // when
            long started = System.nanoTime();
            SQLException refused = assertThrows(SQLException.class, () -> connector(url).open("storage"));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

            // then: counted as the database lost, after the URL's socket timeout (once with TLS asked, once
            // without), not the login timeout or longer
            assertTrue(Connector.unreachable(refused), refused.getSQLState() + " " + refused.getMessage());
            assertTrue(seconds < Connector.LOGIN_TIMEOUT_SECONDS, "gave up after " + seconds + " s");
        }
    }
}
