package dev.spacegate.server.gateway.pool;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** request-scoped-errors rules: which rule matches, and what it makes of the cooldown table's decision. */
class ScopedErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ScopedErrors rules(String json) throws Exception {
        List<String> problems = new ArrayList<>();
        ScopedErrors s = ScopedErrors.parse(JSON.readTree(json), "entry", problems);
        assertEquals(List.of(), problems);
        return s;
    }

    @Test
    void eachActionDecidesFailoverAndCooldown() throws Exception {
        ScopedErrors s = rules("""
                [{"status": 400, "match": ["Quota Exhausted"], "action": "continue-and-cooldown"},
                 {"status": 503, "match-regexr": ["maintenance until \\\\d+"], "action": "stop"},
                 {"match": ["content policy"], "action": "stop-and-cooldown"},
                 {"status": 429, "action": "continue"}]""");
        CooldownRules.Rule badRequest = CooldownRules.ruleFor(400, null);
        CooldownRules.Rule unavailable = CooldownRules.ruleFor(503, null);
        CooldownRules.Rule limited = CooldownRules.ruleFor(429, null);

        CooldownRules.Rule quota = s.decide(badRequest, 400, "{\"error\":\"project quota exhausted\"}");
        assertTrue(quota.failover(), "continue fails over");
        assertEquals(CooldownRules.Kind.FIXED, quota.kind(), "a 400 does not cool by itself: the forced cooldown");
        assertEquals(ScopedErrors.FORCED_COOLDOWN, quota.fixed());
        assertEquals("request_scoped", quota.reason());

        CooldownRules.Rule maintenance = s.decide(unavailable, 503, "down for maintenance until 1700000000");
        assertFalse(maintenance.failover(), "stop returns the error");
        assertFalse(maintenance.nextRound());
        assertEquals(CooldownRules.Kind.NONE, maintenance.kind(), "stop does not cool");
        assertSame(unavailable, s.decide(unavailable, 503, "maintenance soon"), "the regex must find a match");

        CooldownRules.Rule policy = s.decide(unavailable, 503, "Rejected by Content Policy");
        assertFalse(policy.failover());
        assertEquals(CooldownRules.Kind.TRANSIENT, policy.kind(), "a status that cools keeps its own cooldown");

        CooldownRules.Rule again = s.decide(limited, 429, "slow down");
        assertTrue(again.failover());
        assertTrue(again.nextRound(), "continue keeps the table's retry rounds");
        assertEquals(CooldownRules.Kind.NONE, again.kind(), "continue without -and-cooldown does not cool");

        assertSame(badRequest, s.decide(badRequest, 400, "messages: field required"), "no rule: the table");
    }

    @Test
    void theFirstMatchingRuleWins() throws Exception {
        ScopedErrors s = rules("""
                [{"status": 500, "match": "boom", "action": "stop"}, {"action": "continue"}]""");
        assertFalse(s.decide(CooldownRules.ruleFor(500, null), 500, "BOOM").failover());
        assertTrue(s.decide(CooldownRules.ruleFor(500, null), 500, "other").failover());
        assertTrue(s.decide(CooldownRules.ruleFor(400, null), 400, "").failover(), "no status: every error");
    }

    @Test
    void badRulesAreNamedInProblems() throws Exception {
        JsonNode bad = JSON.readTree("""
                [{"status": 200, "action": "stop"}, {"status": 400, "action": "retry"},
                 {"status": 400, "match-regexr": ["("], "action": "stop"}, {"match": {"a": 1}, "action": "stop"},
                 "stop"]""");
        List<String> problems = new ArrayList<>();
        ScopedErrors.parse(bad, "openai-compatibility[0]", problems);
        assertEquals(5, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("openai-compatibility[0]: request-scoped-errors[0]: status"));
        assertTrue(problems.get(1).contains("[1]: action must be one of"));
        assertTrue(problems.get(2).contains("[2]: match-regexr: not a valid regular expression"));
        assertTrue(problems.get(3).contains("[3]: match must be a list"));
        assertTrue(problems.get(4).contains("[4] must be a map"));

        List<String> notAList = new ArrayList<>();
        ScopedErrors.parse(JSON.readTree("{\"action\":\"stop\"}"), "x", notAList);
        assertEquals(List.of("x: request-scoped-errors must be a list of rules"), notAList);
        assertSame(ScopedErrors.NONE, ScopedErrors.parse(null, "x", notAList));
    }
}
