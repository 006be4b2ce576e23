package ar.loteria.agency;

import ar.loteria.agency.bets.BetFileException;
import ar.loteria.codec.ErrorCode;
import ar.loteria.codec.ErrorReply;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The agency's operation lines, letter for letter: the course's grading scripts parse those CONTRACT.md lists, and
 * the rest keep the grammar {@code action: NAME | result: ... | key: value}. The config line is checked with the
 * configuration it prints, in {@code AgencyConfigTest}.
 */
class AgencyLogTest {

    @Test
    void contractLinesAreExactlyTheCourseOnes() {
        assertEquals("action: apuesta_enviada | result: success | dni: 00000042 | numero: 7574",
                AgencyLog.betSent("00000042", 7574).toString());
        assertEquals("action: consulta_ganadores | result: success | cant_ganadores: 3",
                AgencyLog.winnersReceived(3).toString());
        assertEquals("action: shutdown | result: success", AgencyLog.shutdownDone().toString());
    }

    @Test
    void refusalsNameThePhaseTheyEnd() {
        // given
        ErrorReply busy = new ErrorReply(ErrorCode.SERVER_BUSY, 0, "too many connections");
        ErrorReply invalid = new ErrorReply(ErrorCode.INVALID_BET, 40, "birthdate in the future");

        // when / then
        assertEquals("action: hello | result: in_progress | code: SERVER_BUSY | reason: too many connections",
                AgencyLog.refusedForNow(AgencyLog.HELLO, busy).toString());
        assertEquals("action: envio | result: fail | code: INVALID_BET | ref: 40 | reason: birthdate in the future",
                AgencyLog.refused(AgencyLog.SENDING, invalid).toString());
    }

    @Test
    void badRecordNamesItsLineAndAnUnreadableFileDoesNot() {
        assertEquals("action: leer_apuestas | result: fail | file: bets.csv | line: 3 | error: document x holds a "
                + "non-digit", AgencyLog.betsFileFailed(new BetFileException("bets.csv", 3,
                "document x holds a non-digit")).toString());
        assertEquals("action: leer_apuestas | result: fail | file: bets.csv | error: cannot be read",
                AgencyLog.betsFileFailed(new BetFileException("bets.csv", 0, "cannot be read")).toString());
    }

    @Test
    void closingLinesSayWhetherEachResourceClosed() {
        assertEquals("action: close_file | result: success | file: bets.csv",
                AgencyLog.fileClosed(true, "bets.csv").toString());
        assertEquals("action: close_event_loop | result: fail", AgencyLog.eventLoopClosed(false).toString());
    }
}
