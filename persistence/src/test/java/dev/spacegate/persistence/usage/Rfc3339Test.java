package dev.spacegate.persistence.usage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The digit-by-digit RFC 3339 writer against a formatter, since event hashes are made from its text. */
class Rfc3339Test {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private static String reference(Instant t) {
        StringBuilder s = new StringBuilder(SECONDS.format(t));
        if (t.getNano() != 0) {
            s.append('.').append(String.format("%09d", t.getNano()).replaceAll("0+$", ""));
        }
        return s.append('Z').toString();
    }

    @Test
    void sameTextAsTheFormatter() {
        SplittableRandom r = new SplittableRandom(42);
        long lo = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long hi = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1_000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(r.nextLong(lo, hi + 1), nanos);
            assertEquals(reference(t), Rfc3339.format(t), t.toString());
        }
        assertEquals("2026-12-04T09:10:00.12Z", Rfc3339.format(Instant.parse("2026-12-04T09:10:00.120Z")));
        assertEquals("1970-01-01T00:00:00Z", Rfc3339.format(Instant.EPOCH));
    }
}
