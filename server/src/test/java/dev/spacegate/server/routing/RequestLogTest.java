package dev.spacegate.server.routing;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The access line's pieces that are computed without library help. */
class RequestLogTest {
    @Test
    void durationsHaveThreeDecimals() {
        assertEquals("0.000", RequestLog.millis(0));
        assertEquals("0.007", RequestLog.millis(7));
        assertEquals("0.042", RequestLog.millis(42));
        assertEquals("1.234", RequestLog.millis(1234));
        assertEquals("12345.600", RequestLog.millis(12_345_600));
    }

    @Test
    void requestIdsAreDistinctVersion4Uuids() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestLog.newId();
            UUID u = UUID.fromString(id);
            assertEquals(4, u.version(), id);
            assertEquals(2, u.variant(), id);
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
