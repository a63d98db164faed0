package dev.spacegate.server.manager.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Shape checks of the config keys the management API edits (types and allowed values), as data. */
final class ConfigShape {
    private ConfigShape() {
    }

    enum Kind { BOOL, INT, STRING, STRING_LIST, OBJECT_LIST, MAP }

    /** Top-level keys and their kinds. */
    static final Map<String, Kind> KEYS = Map.ofEntries(
            Map.entry("debug", Kind.BOOL),
            Map.entry("usage-statistics-enabled", Kind.BOOL),
            Map.entry("request-retry", Kind.INT),
            Map.entry("max-retry-interval", Kind.INT),
            Map.entry("max-retry-credentials", Kind.INT),
            Map.entry("force-model-prefix", Kind.BOOL),
            Map.entry("passthrough-headers", Kind.BOOL),
            Map.entry("oauth-request-scoped-errors", Kind.MAP),
            Map.entry("proxy-url", Kind.STRING),
            Map.entry("api-keys", Kind.STRING_LIST),
            Map.entry("gemini-api-key", Kind.OBJECT_LIST),
            Map.entry("claude-api-key", Kind.OBJECT_LIST),
            Map.entry("codex-api-key", Kind.OBJECT_LIST),
            Map.entry("openai-compatibility", Kind.OBJECT_LIST));

    static final List<String> STRATEGIES = List.of("round-robin", "weighted-round-robin", "fill-first");

    static List<String> check(ObjectNode doc) {
        List<String> problems = new ArrayList<>();
        KEYS.forEach((key, kind) -> {
            JsonNode v = doc.get(key);
            if (v == null || v.isNull()) {
                return;
            }
            boolean ok = switch (kind) {
                case BOOL -> v.isBoolean();
                case INT -> v.isIntegralNumber() && v.asLong() >= 0;
                case STRING -> v.isTextual();
                case STRING_LIST -> v.isArray() && allMatch(v, JsonNode::isTextual);
                case OBJECT_LIST -> v.isArray() && allMatch(v, JsonNode::isObject);
                case MAP -> v.isObject();
            };
            if (!ok) {
                problems.add(key + " must be " + switch (kind) {
                    case BOOL -> "true or false";
                    case INT -> "a whole number >= 0";
                    case STRING -> "a string";
                    case STRING_LIST -> "a list of strings";
                    case OBJECT_LIST -> "a list of mappings";
                    case MAP -> "a mapping";
                });
            }
        });
        for (String list : List.of("codex-api-key", "openai-compatibility")) {
            JsonNode v = doc.path(list);
            for (int i = 0; v.isArray() && i < v.size(); i++) {
                if (v.get(i).isObject() && v.get(i).path("base-url").asText("").isBlank()) {
                    problems.add(list + "[" + i + "] needs a base-url");
                }
            }
        }
        JsonNode strategy = LiveConfig.at(doc, "routing.strategy");
        if (!strategy.isMissingNode() && !strategy.isNull()
                && !STRATEGIES.contains(normalizeStrategy(strategy.asText()))) {
            problems.add("routing.strategy must be one of " + String.join(", ", STRATEGIES));
        }
        return problems;
    }

    /** CLIProxyAPI's strategy aliases (rr, wrr, ff, ...) to the canonical name; unknown values unchanged. */
    static String normalizeStrategy(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "rr", "roundrobin", "round_robin" -> "round-robin";
            case "wrr", "weightedroundrobin", "weighted_round_robin" -> "weighted-round-robin";
            case "ff", "fillfirst", "fill_first" -> "fill-first";
            default -> v;
        };
    }

    private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> p) {
        for (JsonNode n : array) {
            if (!p.test(n)) {
                return false;
            }
        }
        return true;
    }
}
