package ar.loteria.central.status;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /status.json}'s render, served again while what it shows stays the same. */
class StatusDocumentTest {

    private final FakeSource source = new FakeSource();
    private final StatusDocument document = new StatusDocument(source);

    private String text() {
        return new String(document.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void theSameStatusIsRenderedOnceAndServedAgain() {
        // given
        source.status = FakeSource.status(0, 2, List.of(new AgencyStatus(1, 1, 10, false, -1)));

        // when / then
        assertSame(document.bytes(), document.bytes());
        assertEquals(StatusJson.document(source.status, 0, Readiness.READY), text());
    }

    @Test
    void aNewStatusAConnectionOrAReadinessMakeANewRender() {
        // given
        source.status = FakeSource.status(0, 2, List.of(new AgencyStatus(1, 1, 10, false, -1)));
        byte[] first = document.bytes();

        // when / then: each change shows at once
        source.status = FakeSource.status(250, 2, List.of(new AgencyStatus(1, 1, 20, false, -1)));
        assertNotSame(first, document.bytes());
        assertTrue(text().contains("\"betsStored\":20"), text());
        source.openConnections = 3;
        assertTrue(text().contains("\"connections\":3"), text());
        source.readiness = Readiness.STOPPING;
        assertTrue(text().startsWith("{\"state\":\"stopping\""), text());
    }
}
