package dev.spacegate.server.manager.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import dev.spacegate.server.testing.ManualClock;
import org.junit.jupiter.api.Test;

/** The failed-login counter stays bounded and forgets (docs/security.md, "The management key"). */
class LoginThrottleTest {

    @Test
    void theAddressMapIsBoundedAndForgetsOldFailures() {
        ManualClock clock = new ManualClock();
        LoginThrottle t = new LoginThrottle(clock);
        t.failuresPerMinute(Integer.MAX_VALUE);
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            t.failed("a" + i);
        }
        assertTrue(t.size() <= LoginThrottle.MAX_ADDRESSES + 1, "bounded: " + t.size());
        clock.advance(LoginThrottle.BAN.plus(Duration.ofMinutes(1)));
        t.failed("late");
        assertEquals(1, t.size(), "idle addresses are forgotten once the map is full and they expired");
    }

    @Test
    void aBanExpiresAndOldFailuresDoNotAddUp() {
        ManualClock clock = new ManualClock();
        LoginThrottle t = new LoginThrottle(clock);
        for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
            t.failed("x");
        }
        assertEquals(403, t.check("x").orElseThrow().status());
        clock.advance(LoginThrottle.BAN.plusSeconds(1));
        assertTrue(t.check("x").isEmpty(), "the ban ended");
        t.failed("x");
        assertTrue(t.check("x").isEmpty(), "a fresh count after the ban");
    }
}
