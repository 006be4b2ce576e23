package ar.loteria.soak;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgencyTranscriptTest {

    private static final String PREFIX = "2026-12-01 01:00:00 ";

    @Test
    void readsOnlyNewLinesAndKeepsTheFurthestAcknowledgedBet() {
        // given
        List<String> lines = new ArrayList<>(List.of(
                PREFIX + "INFO     action: hello | result: success | client_id: 2 | stored: 0",
                PREFIX + "DEBUG    action: batch_ack | result: success | first: 0 | cantidad: 2",
                PREFIX + "DEBUG    action: batch_ack | result: success | first: 3 | cantidad: 2",
                PREFIX + "WARN     action: reconnect | result: in_progress | server_address: 127.0.0.1:1",
                PREFIX + "INFO     action: connect | result: in_progress | attempt: 1"));
        AgencyTranscript transcript = new AgencyTranscript(2);

        // when
        transcript.read(lines);
        lines.add(PREFIX + "INFO     action: hello | result: success | client_id: 2 | stored: 3");
        lines.add(PREFIX + "DEBUG    action: batch_ack | result: success | first: 3 | cantidad: 2");
        lines.add(PREFIX + "INFO     action: finish | result: success | client_id: 2 | stored: 5");
        lines.add(PREFIX + "INFO     action: consulta_ganadores | result: success | cant_ganadores: 1");
        lines.add(PREFIX + "ERROR    action: protocol | result: fail | error: x");
        transcript.read(lines);

        // then
        assertEquals(3, transcript.acks());
        assertEquals(6, transcript.ackedBets());
        assertEquals(5, transcript.ackedEnd());
        // bets 3 and 4 were acknowledged twice, bet 2 never
        assertEquals(4, transcript.distinctAcked());
        assertEquals(1, transcript.reconnects());
        assertEquals(1, transcript.retries());
        assertEquals(2, transcript.welcomes());
        assertEquals(1, transcript.resumes());
        assertEquals(1, transcript.finishes());
        assertEquals(List.of(1), transcript.winners());
        assertEquals(List.of(PREFIX + "ERROR    action: protocol | result: fail | error: x"), transcript.failLines());
    }
}
