package ar.loteria.central;

import ar.loteria.codec.BatchAck;
import ar.loteria.codec.Bet;
import ar.loteria.codec.BetBatch;
import ar.loteria.codec.Hello;
import ar.loteria.codec.Welcome;
import ar.loteria.testkit.SocketAgency;
import ar.loteria.testkit.WireFrames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static ar.loteria.central.LiveCentral.OTHER;
import static ar.loteria.central.LiveCentral.bet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the real central's store holds ({@link LiveCentral}) when an agency dies mid-batch, and for text the CSV
 * must quote: exactly the acknowledged bets, whole batches, read back identical.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveStoreTest {

    @RegisterExtension
    final LiveCentral central = new LiveCentral();

    // ---------------------------------------------------------------------------------------------------------
    // An agency that dies mid-batch
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void frameCutByAClosedConnectionStoresNothingOfItAndTheAgencyResumes() throws Exception {
        // given: agency 2 has one batch acknowledged
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency dying = central.hello(OTHER);
        central.sendAcknowledged(dying, OTHER, central.bets(OTHER, 5));
        List<Bet> cut = central.bets(OTHER, 4);
        byte[] frame = WireFrames.bytes(new BetBatch(OTHER, central.stored(OTHER), cut));

        // when: the next batch's frame stops halfway and the connection closes
        dying.sendRaw(Arrays.copyOf(frame, frame.length - 7));
        dying.close();

        // then: the agency reconnects, WELCOME says where its stored bets end
        SocketAgency back = central.hello(OTHER);
        central.assertStoreHoldsExactlyTheAcknowledgedBets();
        // and a resent batch that is wholly stored is acknowledged again, not stored twice
        assertEquals(new BatchAck(0, 5), back.send(new BetBatch(OTHER, 0, central.acknowledged(OTHER))).receive());
        central.sendAcknowledged(back, OTHER, cut);
        central.otherAgencyCompletes(parked, back);
    }

    @Test
    void agencyResetMidWindowLosesOnlyUnstoredWholeBatches() throws Exception {
        // given: agency 2 pipelines three whole batches and half of a fourth, reading no ACK
        central.start();
        SocketAgency parked = central.parkedAgency();
        SocketAgency dying = central.hello(OTHER);
        List<Bet> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(bet(OTHER, i, i % 3 == 0 ? 7574 : i));
        }
        BetBatch[] window = new BetBatch[4];
        for (int b = 0; b < 4; b++) {
            window[b] = new BetBatch(OTHER, b * 4L, all.subList(b * 4, b * 4 + 4));
        }
        byte[] frames = WireFrames.bytes(window);
        byte[] bytes = Arrays.copyOf(frames, frames.length - 9);

        // when: the process dies (a reset, not an orderly close)
        dying.sendRaw(bytes);
        dying.abort();

        // then: whatever the central stored is whole batches, and WELCOME says how many bets
        SocketAgency back = central.connect();
        Welcome welcome = assertInstanceOf(Welcome.class, back.send(new Hello(OTHER, "")).receive());
        long stored = welcome.stored();
        assertTrue(stored % 4 == 0 && stored <= 12, "stored " + stored + " is not a batch boundary of the window");
        central.acknowledgedAre(OTHER, all.subList(0, (int) stored));
        central.assertStoreHoldsExactlyTheAcknowledgedBets();

        // and the agency resends from there and completes
        central.sendAcknowledged(back, OTHER, all.subList((int) stored, all.size()));
        central.otherAgencyCompletes(parked, back);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Text the CSV must quote
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void fieldsWithCommasQuotesAndLineBreaksAreStoredAndReadBackIdentical() throws Exception {
        // given
        central.start();
        SocketAgency parked = central.parkedAgency();
        List<Bet> tricky = List.of(
                new Bet("Ana, \"la\"", "O\"Neil, Jr", "00000042", "2000-02-29", 7574),
                new Bet("Lo\r\npez", "x\ny", "1", "1950-01-01", 0),
                new Bet("a\rb", "\"q\"", "7", "1970-12-31", 7574),
                new Bet(" lead", "trail ", "5", "1960-06-30", 9999),
                new Bet("María José", "Ñandú\tTab", "30904465", "1999-03-17", 1),
                new Bet("\"", ",", "8", "1980-01-01", 2),
                new Bet("\r\nB", "\"\"", "9", "1980-01-01", 3));

        // when
        SocketAgency agency = central.hello(OTHER);
        central.sendAcknowledged(agency, OTHER, tricky);

        // then: every field reads back identical, and one row is byte for byte what csv.writer writes
        central.assertStoreHoldsExactlyTheAcknowledgedBets();
        assertTrue(Files.readString(central.store(), StandardCharsets.UTF_8)
                .contains("2,\"Ana, \"\"la\"\"\",\"O\"\"Neil, Jr\",00000042,2000-02-29,7574\r\n"));
        // and the draw reads the same documents back
        central.otherAgencyCompletes(parked, agency);
    }
}
