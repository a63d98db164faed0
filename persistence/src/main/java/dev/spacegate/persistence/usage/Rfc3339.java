package dev.spacegate.persistence.usage;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Writes and reads instants as usage records carry them: RFC 3339 in UTC. */
public final class Rfc3339 {
    private Rfc3339() {
    }

    /**
     * RFC 3339 UTC with trailing fraction zeros removed (Go's RFC3339Nano), for years 1 to 9999. Written digit by
     * digit: a formatter here (and {@code Instant.toString} on the request path) cost a fifth of turning a usage
     * record into JSON.
     */
    public static String format(Instant t) {
        LocalDateTime d = LocalDateTime.ofEpochSecond(t.getEpochSecond(), 0, ZoneOffset.UTC);
        StringBuilder s = new StringBuilder(30);
        digits(s, d.getYear(), 4).append('-');
        digits(s, d.getMonthValue(), 2).append('-');
        digits(s, d.getDayOfMonth(), 2).append('T');
        digits(s, d.getHour(), 2).append(':');
        digits(s, d.getMinute(), 2).append(':');
        digits(s, d.getSecond(), 2);
        int nanos = t.getNano();
        if (nanos != 0) {
            int width = 9;
            while (nanos % 10 == 0) {
                nanos /= 10;
                width--;
            }
            digits(s.append('.'), nanos, width);
        }
        return s.append('Z').toString();
    }

    private static StringBuilder digits(StringBuilder s, int value, int width) {
        String v = Integer.toString(value);
        for (int i = v.length(); i < width; i++) {
            s.append('0');
        }
        return s.append(v);
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, the shape {@link #format} writes and every gateway record
     * carries, without a formatter (parsing through one cost the usage writer a tenth of its time, and
     * {@code Instant.parse} per stored record a few percent of the gateway's CPU); null for any other shape.
     */
    public static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-'
                || s.charAt(10) != 'T' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21;
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            for (int i = fraction; i < 9 && nanos > 0; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second | nanos) < 0 || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        try {
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (DateTimeException e) {
            return null; // no such date: the formatter path below reports it
        }
    }

    /** The decimal number in {@code s[from, to)}, or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
