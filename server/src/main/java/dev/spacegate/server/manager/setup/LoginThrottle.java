package dev.spacegate.server.manager.setup;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed management logins: per client address (5 failures -> banned for 30 minutes, as CLIProxyAPI) in a
 * map that forgets idle addresses and never holds more than {@value #MAX_ADDRESSES} of them, and for the whole
 * server ({@code MANAGEMENT_LOGIN_FAILURES_PER_MINUTE}, {@value #DEFAULT_FAILURES_PER_MINUTE} by default, failures a
 * minute from all addresses together, then every login is refused until the minute ends), so rotating addresses
 * buys no more guesses, and wrong keys cannot keep the slow KDF busy.
 */
final class LoginThrottle {
    static final int MAX_FAILURES = 5;
    static final Duration BAN = Duration.ofMinutes(30);
    static final int MAX_ADDRESSES = 10_000;
    static final int DEFAULT_FAILURES_PER_MINUTE = 30;
    private static final long MINUTE_MS = 60_000;

    /** Why a login is refused before its key is checked. */
    record Refusal(int status, String code, String message) {
    }

    private static final class Attempts {
        int failures;
        long lastFailureMs;
        long bannedUntilMs;
    }

    private final Clock clock;
    private final Map<String, Attempts> byAddress = new LinkedHashMap<>(256, 0.75f, true);
    private volatile int failuresPerMinute = DEFAULT_FAILURES_PER_MINUTE;
    private long windowStartMs;
    private int windowFailures;

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Sets the server-wide cap on failures a minute. */
    void failuresPerMinute(int cap) {
        this.failuresPerMinute = cap;
    }

    /** {@code MANAGEMENT_LOGIN_FAILURES_PER_MINUTE} from the environment, else the default. */
    static int failuresPerMinute(java.util.Map<String, String> env) {
        String v = env.get("MANAGEMENT_LOGIN_FAILURES_PER_MINUTE");
        if (v == null || v.isBlank()) {
            return DEFAULT_FAILURES_PER_MINUTE;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("MANAGEMENT_LOGIN_FAILURES_PER_MINUTE must be a positive whole number");
    }

    /** A refusal when {@code address} is banned or the server-wide budget of failures is spent. */
    synchronized Optional<Refusal> check(String address) {
        long now = clock.millis();
        Attempts a = byAddress.get(address);
        if (a != null && a.bannedUntilMs > now) {
            long minutes = Math.max(1, (a.bannedUntilMs - now + 59_999) / 60_000);
            return Optional.of(new Refusal(403, "ip_banned",
                    "IP banned due to too many failed attempts. Try again in " + minutes + " min"));
        }
        if (now - windowStartMs < MINUTE_MS && windowFailures >= failuresPerMinute) {
            return Optional.of(new Refusal(429, "too_many_failed_logins",
                    "too many failed management logins on this server; try again in a minute"));
        }
        return Optional.empty();
    }

    /** Counts a failure; true when it banned the address. */
    synchronized boolean failed(String address) {
        long now = clock.millis();
        if (now - windowStartMs >= MINUTE_MS) {
            windowStartMs = now;
            windowFailures = 0;
        }
        windowFailures++;
        Attempts a = byAddress.computeIfAbsent(address, k -> new Attempts());
        if (a.bannedUntilMs != 0 && a.bannedUntilMs <= now || now - a.lastFailureMs > BAN.toMillis()) {
            a.failures = 0; // an expired ban or an old failure starts a fresh count
            a.bannedUntilMs = 0;
        }
        a.failures++;
        a.lastFailureMs = now;
        boolean banned = false;
        if (a.failures >= MAX_FAILURES && a.bannedUntilMs == 0) {
            a.bannedUntilMs = now + BAN.toMillis();
            banned = true;
        }
        if (byAddress.size() > MAX_ADDRESSES) {
            evict(now);
        }
        return banned;
    }

    /** Forgets the failures of an address that just logged in. */
    synchronized void succeeded(String address) {
        Attempts a = byAddress.get(address);
        if (a != null && a.bannedUntilMs == 0) {
            byAddress.remove(address);
        }
    }

    /** Addresses currently remembered. */
    synchronized int size() {
        return byAddress.size();
    }

    /** Drops expired entries; when still full, the least recently seen ones (access order). */
    private void evict(long now) {
        Iterator<Attempts> it = byAddress.values().iterator();
        while (it.hasNext()) {
            Attempts a = it.next();
            if (a.bannedUntilMs <= now && now - a.lastFailureMs > BAN.toMillis()) {
                it.remove();
            }
        }
        Iterator<String> oldest = byAddress.keySet().iterator();
        while (byAddress.size() > MAX_ADDRESSES && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
