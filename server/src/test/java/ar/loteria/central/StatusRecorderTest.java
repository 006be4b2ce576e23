package ar.loteria.central;

import ar.loteria.central.ledger.Batch;
import ar.loteria.central.ledger.Ledger;
import ar.loteria.central.ledger.csv.BetStore;
import ar.loteria.central.status.AgencyStatus;
import ar.loteria.central.status.CentralStatus;
import ar.loteria.codec.Bet;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.when;

/**
 * The published status while the status port is open: each publication asks the ledger again only for the agencies
 * something happened to, and its rows are those a publication of every agency would show.
 */
class StatusRecorderTest {

    private static final Bet BET = new Bet("Ana", "Paz", "1", "1990-01-01", 5);

    private final List<Set<Long>> asked = new ArrayList<>();

    @Test
    void eachPublicationAsksOnlyForTheAgenciesThatChangedAndShowsEveryAgencyAsItIs() throws Exception {
        // given: a lottery of two agencies, its status published for the status port once
        Ledger ledger = ledgerRecordingWhatIsAsked(2);
        StatusRecorder status = new StatusRecorder(Clock.systemUTC());
        status.countConnections();
        status.publish(ledger, 0);

        // when: agency 1 connects and stores 3 bets, agency 2 connects and leaves, agency 3 connects
        status.connected(1);
        ledger.store(List.of(new Batch(1, 0, List.of(BET, BET, BET))));
        status.stored(1);
        status.connected(2);
        status.disconnected(2);
        status.connected(3);
        status.publish(ledger, 0);

        // then
        assertEquals(List.of(Set.of(1L, 2L, 3L)), asked);
        assertEquals(List.of(new AgencyStatus(1, 1, 3, false, -1), new AgencyStatus(3, 1, 0, false, -1)),
                status.latest().agencies());
        assertEquals(3, status.latest().betsStored());

        // when: agency 3 connects a second time
        status.connected(3);
        status.publish(ledger, 0);

        // then: only agency 3 asked, agency 1's row as it was
        assertEquals(Set.of(3L), asked.get(1));
        assertEquals(List.of(new AgencyStatus(1, 1, 3, false, -1), new AgencyStatus(3, 2, 0, false, -1)),
                status.latest().agencies());

        // when: agency 1 finishes, agency 2 comes back and finishes with nothing: the draw
        ledger.finish(1, 3);
        status.changed(1);
        status.connected(2);
        ledger.finish(2, 0);
        status.changed(2);
        status.publish(ledger, 0);

        // then: every row again, with its winners
        CentralStatus drawn = status.latest();
        assertEquals(List.of(new AgencyStatus(1, 1, 3, true, 0), new AgencyStatus(2, 1, 0, true, 0),
                new AgencyStatus(3, 2, 0, false, 0)), drawn.agencies());
        assertEquals(2, drawn.agenciesFinished());

        // when: nothing happens
        status.publish(ledger, 0);

        // then
        assertEquals(Set.of(), asked.get(asked.size() - 1));
        assertEquals(drawn.agencies(), status.latest().agencies());
    }

    @Test
    void withoutAStatusPortEveryPublicationShowsEveryAgencyAndNoConnections() throws Exception {
        // given
        Ledger ledger = ledgerRecordingWhatIsAsked(2);
        StatusRecorder status = new StatusRecorder(Clock.systemUTC());
        status.connected(1);
        ledger.store(List.of(new Batch(1, 0, List.of(BET))));
        status.stored(1);

        // when
        status.publish(ledger, 0);

        // then
        assertEquals(List.of(), asked);
        assertEquals(List.of(new AgencyStatus(1, 0, 1, false, -1)), status.latest().agencies());
        assertEquals(1, status.latest().batchesStored());
    }

    /** A real CSV ledger over a mocked store that records, as a copy, each set of agencies it is asked for. */
    @SuppressWarnings("unchecked")
    private Ledger ledgerRecordingWhatIsAsked(int agencies) throws Exception {
        BetStore store = mock(BetStore.class);
        when(store.countsAtOpen()).thenReturn(Map.of());
        Ledger ledger = spy(Dispatchers.ledger(store, agencies));
        doAnswer(call -> {
            asked.add(Set.copyOf((Collection<Long>) call.getArgument(0)));
            return call.callRealMethod();
        }).when(ledger).view(any(Collection.class));
        return ledger;
    }
}
