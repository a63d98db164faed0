package dev.spacegate.server.manager.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The failed-login counter stays bounded and forgets (docs/security.md, "The management key"). */
class LoginThrottleTest {

    /** A clock the test moves. */
    private static final class Moving extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void theAddressMapIsBoundedAndForgetsOldFailures() {
        Moving clock = new Moving();
        LoginThrottle t = new LoginThrottle(clock);
        t.failuresPerMinute(Integer.MAX_VALUE);
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            t.failed("a" + i);
        }
        assertTrue(t.size() <= LoginThrottle.MAX_ADDRESSES + 1, "bounded: " + t.size());
        clock.now = clock.now.plus(LoginThrottle.BAN).plus(Duration.ofMinutes(1));
        t.failed("late");
        assertEquals(1, t.size(), "idle addresses are forgotten once the map is full and they expired");
    }

    @Test
    void aBanExpiresAndOldFailuresDoNotAddUp() {
        Moving clock = new Moving();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            t.failed("x");
        }
        assertEquals(403, t.check("x").orElseThrow().status());
        clock.now = clock.now.plus(LoginThrottle.BAN).plusSeconds(1);
        assertTrue(t.check("x").isEmpty(), "the ban ended");
        t.failed("x");
        assertTrue(t.check("x").isEmpty(), "a fresh count after the ban");
    }
}
