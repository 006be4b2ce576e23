package ar.loteria.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ActionLineTest {

    @Test
    void buildsTheContractGrammar() {
        assertEquals("action: apuesta_recibida | result: success | cantidad: 10",
                ActionLine.success("apuesta_recibida").with("cantidad", 10).toString());
        assertEquals("action: x | result: fail", ActionLine.fail("x").toString());
        assertEquals("action: connect | result: in_progress | attempt: 2",
                ActionLine.inProgress("connect").with("attempt", 2).toString());
    }

    @Test
    void keepsLinesFreeOfStrayBarsAndLineBreaks() {
        assertEquals("action: a | result: fail | name: x/y z", ActionLine.fail("a").with("name", "x|y\nz").toString());
    }

    @Test
    void errorTextHasNoColonSoScriptsSplitItOnce() {
        assertEquals("action: a | result: fail | error: truncated first_name - needs 9 bytes, 2 left",
                ActionLine.fail("a").withError("truncated first_name: needs 9 bytes, 2 left").toString());
    }

    @Test
    void keepsTheColonOfAnAddressValue() {
        assertEquals("action: config | result: success | server_address: server:12345",
                ActionLine.success("config").with("server_address", "server:12345").toString());
    }
}
