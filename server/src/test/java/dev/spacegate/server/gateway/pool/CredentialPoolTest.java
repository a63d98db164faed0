package dev.spacegate.server.gateway.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.spacegate.server.testing.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spacegate.server.providers.ProviderKind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialPoolTest {
    private static final Duration TRANSIENT = Duration.ofSeconds(60);

    static Candidate cand(String id, int priority, int weight) {
        return new Candidate(new Credential(id, ProviderKind.OPENAI_COMPATIBILITY, "p", "http://127.0.0.1:9",
                "test-key-not-secret-" + id, Map.of(), null, priority, weight, null, null, ScopedErrors.NONE, id), "m");
    }

    private static List<String> firsts(CredentialPool pool, List<Candidate> cs, Strategy s, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(pool.order("m", cs, s).get(0).credential().authIndex());
        }
        return out;
    }

    @Test
    void roundRobinCyclesWithinTheTopTier() {
        CredentialPool pool = new CredentialPool(CooldownStore.none(), new ManualClock());
        List<Candidate> cs = List.of(cand("b", 0, 1), cand("a", 0, 1), cand("c", 0, 1), cand("low", -1, 1));
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), firsts(pool, cs, Strategy.ROUND_ROBIN, 6));
        List<Candidate> order = pool.order("m", cs, Strategy.ROUND_ROBIN);
        assertEquals("low", order.get(order.size() - 1).credential().authIndex(), "lower tier comes last");
    }

    @Test
    void fillFirstSticksToTheFirstReady() {
        ManualClock clock = new ManualClock();
        CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
        List<Candidate> cs = List.of(cand("b", 0, 1), cand("a", 0, 1));
        assertEquals(List.of("a", "a", "a"), firsts(pool, cs, Strategy.FILL_FIRST, 3));
        pool.markFailure(cs.get(1), 500, null, null, true, TRANSIENT);
        assertEquals(List.of("b", "b"), firsts(pool, cs, Strategy.FILL_FIRST, 2));
    }

    @Test
    void weightedRoundRobinFollowsWeightsAndSkipsZero() {
        CredentialPool pool = new CredentialPool(CooldownStore.none(), new ManualClock());
        List<Candidate> cs = List.of(cand("a", 0, 3), cand("b", 0, 1), cand("z", 0, 0));
        Map<String, Integer> counts = new HashMap<>();
        for (String id : firsts(pool, cs, Strategy.WEIGHTED_ROUND_ROBIN, 400)) {
            counts.merge(id, 1, Integer::sum);
        }
        assertEquals(300, counts.get("a"));
        assertEquals(100, counts.get("b"));
        assertFalse(counts.containsKey("z"), "weight 0 is never picked first");
    }

    @Test
    void lowerTierOnlyWhenHigherTierCools() {
        ManualClock clock = new ManualClock();
        CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
        Candidate high = cand("high", 10, 1);
        Candidate low = cand("low", 0, 1);
        assertEquals("high", pool.order("m", List.of(low, high), Strategy.ROUND_ROBIN).get(0).credential()
                .authIndex());
        pool.markFailure(high, 503, null, null, true, TRANSIENT);
        assertEquals(List.of(low), pool.order("m", List.of(low, high), Strategy.ROUND_ROBIN));
        clock.advance(Duration.ofSeconds(61));
        assertEquals("high", pool.order("m", List.of(low, high), Strategy.ROUND_ROBIN).get(0).credential()
                .authIndex());
    }

    @Test
    void eachCooldownRule() {
        record Case(int status, String code, Duration retryAfter, Duration expected) {
        }
        List<Case> cases = List.of(
                new Case(401, null, null, Duration.ofMinutes(30)),
                new Case(402, null, null, Duration.ofMinutes(30)),
                new Case(403, null, null, Duration.ofMinutes(30)),
                new Case(404, null, null, Duration.ofHours(12)),
                new Case(429, null, Duration.ofSeconds(42), Duration.ofSeconds(42)),
                new Case(429, null, null, Duration.ofSeconds(1)),
                new Case(408, null, null, TRANSIENT),
                new Case(500, null, null, TRANSIENT),
                new Case(502, null, null, TRANSIENT),
                new Case(503, null, null, TRANSIENT),
                new Case(504, null, null, TRANSIENT),
                new Case(400, null, null, Duration.ZERO),
                new Case(422, null, null, Duration.ZERO),
                new Case(500, "context_length_exceeded", null, Duration.ZERO));
        for (Case k : cases) {
            ManualClock clock = new ManualClock();
            CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
            Candidate c = cand("x", 0, 1);
            CooldownRules.Rule rule = pool.markFailure(c, k.status(), k.code(), k.retryAfter(), true, TRANSIENT);
            String label = k.status() + "/" + k.code();
            if (k.expected().isZero()) {
                assertEquals(CooldownRules.Kind.REQUEST_FAULT, rule.kind(), label);
                assertFalse(pool.isCooling(c), label + " must not cool");
                continue;
            }
            assertTrue(pool.isCooling(c), label);
            clock.advance(k.expected().minusSeconds(1));
            assertTrue(pool.isCooling(c), label + " still cooling just before the end");
            clock.advance(Duration.ofSeconds(1));
            assertFalse(pool.isCooling(c), label + " over after " + k.expected());
        }
    }

    @Test
    void quotaBackoffEscalatesOncePerWindowAndResetsOnSuccess() {
        ManualClock clock = new ManualClock();
        CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
        Candidate c = cand("x", 0, 1);
        List<Long> windows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pool.markFailure(c, 429, null, null, true, TRANSIENT);
            // a second 429 inside the open window (a concurrent request) does not escalate
            pool.markFailure(c, 429, null, null, true, TRANSIENT);
            Instant until = pool.earliestRecovery(List.of(c)).orElseThrow();
            windows.add(Duration.between(clock.instant(), until).toSeconds());
            clock.set(until);
        }
        assertEquals(List.of(1L, 2L, 4L, 8L), windows);
        pool.markSuccess(c);
        pool.markFailure(c, 429, null, null, true, TRANSIENT);
        assertEquals(1, Duration.between(clock.instant(), pool.earliestRecovery(List.of(c)).orElseThrow()).toSeconds());
        assertEquals(Duration.ofMinutes(30), CooldownRules.quotaBackoff(40), "capped at 30 min");
    }

    @Test
    void disableCoolingNeverCools() {
        CredentialPool pool = new CredentialPool(CooldownStore.none(), new ManualClock());
        Candidate c = cand("x", 0, 1);
        pool.markFailure(c, 429, null, null, false, TRANSIENT);
        pool.markFailure(c, 403, null, null, false, TRANSIENT);
        assertFalse(pool.isCooling(c));
    }

    @Test
    void allCoolingLeavesNothingAndReportsTheEarliestRecovery() {
        ManualClock clock = new ManualClock();
        CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
        Candidate a = cand("a", 0, 1);
        Candidate b = cand("b", 0, 1);
        pool.markFailure(a, 429, null, Duration.ofSeconds(20), true, TRANSIENT);
        pool.markFailure(b, 429, null, Duration.ofSeconds(7), true, TRANSIENT);
        assertTrue(pool.order("m", List.of(a, b), Strategy.ROUND_ROBIN).isEmpty());
        assertEquals(clock.instant().plusSeconds(7), pool.earliestRecovery(List.of(a, b)).orElseThrow());
    }

    @Test
    void cooldownSurvivesARestart(@TempDir Path dir) throws Exception {
        ManualClock clock = new ManualClock();
        Path file = dir.resolve("cooldowns.json");
        Candidate c = cand("x", 0, 1);
        try (CredentialPool pool = new CredentialPool(new FileCooldownStore(file), clock)) {
            pool.markFailure(c, 401, null, null, true, TRANSIENT);
        }
        assertTrue(Files.exists(file));
        try (CredentialPool again = new CredentialPool(new FileCooldownStore(file), clock)) {
            assertTrue(again.isCooling(c), "restored from the store");
            clock.advance(Duration.ofMinutes(31));
            assertFalse(again.isCooling(c));
        }
        clock.advance(Duration.ofHours(1));
        try (CredentialPool later = new CredentialPool(new FileCooldownStore(file), clock)) {
            assertTrue(later.snapshot().isEmpty(), "expired state is not restored");
        }
    }

    @Test
    void sharedCooldownsAreAnnouncedOnceAndAdoptedWithoutEcho() {
        ManualClock clock = new ManualClock();
        CredentialPool pool = new CredentialPool(CooldownStore.none(), clock);
        List<String> told = new ArrayList<>();
        pool.watch(new CredentialPool.Watcher() {
            @Override
            public void learned(CooldownState s) {
                told.add("learned " + s.key());
            }

            @Override
            public void cleared(String authIndex, String model) {
                told.add("cleared " + authIndex + "|" + model);
            }
        });
        Candidate a = cand("a", 0, 1);
        Candidate b = cand("b", 0, 1);
        pool.markFailure(a, 429, null, Duration.ofSeconds(30), true, TRANSIENT);
        pool.markSuccess(a);
        assertEquals(List.of("learned a|m", "cleared a|m"), told, "what this pool learns and clears is announced");

        told.clear();
        Instant later = clock.instant().plusSeconds(60);
        pool.adopt(new CooldownState("b", "m", clock.instant().plusSeconds(10), "quota", 429, 0));
        pool.adopt(new CooldownState("b", "m", later, "quota", 429, 0));
        pool.adopt(new CooldownState("b", "m", clock.instant().plusSeconds(5), "quota", 429, 0));
        assertTrue(pool.isCooling(b), "an adopted cooldown applies here");
        assertEquals(later, pool.snapshot().get(0).nextRetryAt(), "the later of two cooldowns wins");
        pool.markSuccess(b);
        assertFalse(pool.isCooling(b));
        assertEquals(List.of(), told, "adopting is silent, and a success here (maybe begun before the other"
                + " replica's 429) does not clear it for everyone");

        pool.adopt(new CooldownState("b", "m", later, "quota", 429, 0));
        pool.release("b", "m");
        assertFalse(pool.isCooling(b), "a cooldown another replica cleared is cleared here");
        assertEquals(List.of(), told);
    }
}
