package dev.spacegate.server.gateway.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A credential's {@code request-scoped-errors} (CLIProxyAPI §2.2, §4.4): rules that look at an upstream error's
 * status and body and decide, instead of the cooldown table, whether the request fails over to the next
 * credential and whether this credential cools down. The first matching rule wins; none matching leaves the
 * table's decision.
 */
public record ScopedErrors(List<ScopedErrors.Rule> rules) {
    /** No rules: the cooldown table decides alone. */
    public static final ScopedErrors NONE = new ScopedErrors(List.of());

    /** A cooldown a {@code *-and-cooldown} rule forces when the status alone would not cool the credential. */
    public static final Duration FORCED_COOLDOWN = Duration.ofSeconds(60);

    private static final String REASON = "request_scoped";

    /** What a matching rule does with the request and the credential. */
    public enum Action {
        /** The error goes to the client; no failover, no cooldown. */
        STOP("stop"),
        /** The error goes to the client; the credential cools down. */
        STOP_AND_COOLDOWN("stop-and-cooldown"),
        /** The next credential is tried; no cooldown. */
        CONTINUE("continue"),
        /** The next credential is tried and this one cools down. */
        CONTINUE_AND_COOLDOWN("continue-and-cooldown");

        private final String configName;

        Action(String configName) {
            this.configName = configName;
        }

        boolean failover() {
            return this == CONTINUE || this == CONTINUE_AND_COOLDOWN;
        }

        boolean cools() {
            return this == STOP_AND_COOLDOWN || this == CONTINUE_AND_COOLDOWN;
        }
    }

    /**
     * One rule.
     *
     * @param status the upstream status it covers, 0 for every error status
     * @param match  texts of which one must occur in the error body (case-insensitive)
     * @param regex  patterns of which one must be found in the error body
     * @param action what happens when status and body match (with neither list, the status alone matches)
     */
    public record Rule(int status, List<String> match, List<Pattern> regex, Action action) {
        boolean applies(int upstreamStatus, String body) {
            if (status != 0 && status != upstreamStatus) {
                return false;
            }
            if (match.isEmpty() && regex.isEmpty()) {
                return true;
            }
            String lower = body.toLowerCase(Locale.ROOT);
            return match.stream().anyMatch(lower::contains) || regex.stream().anyMatch(p -> p.matcher(body).find());
        }
    }

    /** The cooldown-table rule for this failure as the first matching rule changes it. */
    public CooldownRules.Rule decide(CooldownRules.Rule table, int status, String body) {
        for (Rule r : rules) {
            if (r.applies(status, body == null ? "" : body)) {
                return derive(table, status, r.action());
            }
        }
        return table;
    }

    private static CooldownRules.Rule derive(CooldownRules.Rule table, int status, Action action) {
        boolean nextRound = action.failover() && table.nextRound();
        if (!action.cools()) {
            return new CooldownRules.Rule(Set.of(status), CooldownRules.Kind.NONE, null, REASON, nextRound,
                    action.failover());
        }
        boolean tableCools = switch (table.kind()) {
            case FIXED, QUOTA, TRANSIENT -> true;
            case NONE, REQUEST_FAULT -> false;
        };
        return tableCools
                ? new CooldownRules.Rule(table.statuses(), table.kind(), table.fixed(), table.reason(), nextRound,
                        action.failover())
                : new CooldownRules.Rule(Set.of(status), CooldownRules.Kind.FIXED, FORCED_COOLDOWN, REASON,
                        nextRound, action.failover());
    }

    /**
     * Reads a rule list ({@code request-scoped-errors} in config.yaml, {@code request_scoped_errors} in an auth
     * file); each problem is added to {@code problems} as a message naming {@code label}.
     */
    public static ScopedErrors parse(JsonNode list, String label, List<String> problems) {
        if (list == null || list.isMissingNode() || list.isNull()) {
            return NONE;
        }
        String where = label + ": request-scoped-errors";
        if (!list.isArray()) {
            problems.add(where + " must be a list of rules");
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            String at = where + "[" + i + "]";
            if (!r.isObject()) {
                problems.add(at + " must be a map with status, match, match-regexr and action");
                continue;
            }
            JsonNode s = r.path("status");
            int status = s.isMissingNode() || s.isNull() ? 0 : s.canConvertToInt() && s.isIntegralNumber()
                    ? s.asInt() : -1;
            if (status != 0 && (status < 400 || status > 599)) {
                problems.add(at + ": status must be an error status from 400 to 599 (or absent for any)");
                continue;
            }
            Action action = action(r.path("action").asText(""));
            if (action == null) {
                problems.add(at + ": action must be one of stop, stop-and-cooldown, continue, continue-and-cooldown");
                continue;
            }
            List<String> match = new ArrayList<>();
            texts(r.path("match"), at + ": match", problems)
                    .forEach(t -> match.add(t.toLowerCase(Locale.ROOT)));
            List<Pattern> regex = new ArrayList<>();
            JsonNode rx = r.has("match-regexr") ? r.path("match-regexr") : r.path("match_regexr");
            for (String t : texts(rx, at + ": match-regexr", problems)) {
                try {
                    regex.add(Pattern.compile(t));
                } catch (PatternSyntaxException e) {
                    problems.add(at + ": match-regexr: not a valid regular expression: " + e.getDescription());
                }
            }
            rules.add(new Rule(status, List.copyOf(match), List.copyOf(regex), action));
        }
        return rules.isEmpty() ? NONE : new ScopedErrors(List.copyOf(rules));
    }

    private static Action action(String name) {
        for (Action a : Action.values()) {
            if (a.configName.equals(name.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }

    private static List<String> texts(JsonNode node, String where, List<String> problems) {
        List<String> out = new ArrayList<>();
        if (node.isMissingNode() || node.isNull()) {
            return out;
        }
        if (node.isTextual()) {
            node = JsonNodeFactory.instance.arrayNode().add(node.asText());
        }
        if (!node.isArray()) {
            problems.add(where + " must be a list of texts");
            return out;
        }
        for (JsonNode t : node) {
            if (!t.isValueNode() || t.asText().isEmpty()) {
                problems.add(where + " must hold non-empty texts");
                continue;
            }
            out.add(t.asText());
        }
        return out;
    }
}
