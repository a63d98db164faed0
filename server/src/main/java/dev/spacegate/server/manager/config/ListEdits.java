package dev.spacegate.server.manager.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.web.Json;

/**
 * Edits of one entry of a config list ({@code api-keys}, {@code claude-api-key}, ...). Every selector must name
 * exactly one entry: none → 404, several → 409, malformed → 400; when a request carries several selectors they must
 * name the same entry. Never falls back to another entry.
 *
 * <p>PATCH selectors: {@code index}; {@code old} (with {@code new}); {@code match} as an object (every field equal)
 * or as a string (CLIProxyAPI's form: the entry's {@code api-key}, or {@code name} for {@code openai-compatibility};
 * the entry itself in {@code api-keys}). DELETE selectors: {@code ?index=}, {@code ?value=}, {@code ?api-key=}
 * (with {@code ?base-url=} to tell entries with the same key apart) and {@code ?name=}.
 */
final class ListEdits {
    private ListEdits() {
    }

    /** The entry an edit changed: its position and a label that names it without revealing a key. */
    record Changed(int index, String label) {
    }

    /** The selectors of a DELETE. */
    record Query(Optional<Long> index, Optional<String> value, Optional<String> apiKey, Optional<String> baseUrl,
                 Optional<String> name) {
    }

    /** Applies a PATCH body to the list {@code key} of {@code doc}. */
    static Changed patch(ObjectNode doc, String key, JsonNode body) {
        if (!body.isObject()) {
            throw malformed("body must be a JSON object");
        }
        ArrayNode list = listOf(doc, key);
        List<Set<Integer>> picks = new ArrayList<>();
        if (body.has("index")) {
            picks.add(byIndex(list, body.get("index")));
        }
        if (body.has("old")) {
            if (!body.has("new")) {
                throw malformed("\"old\" needs \"new\"");
            }
            JsonNode old = body.get("old");
            picks.add(matching(list, e -> e.equals(old) || old.isTextual() && old.asText().equals(identity(key, e))));
        }
        if (body.has("match")) {
            picks.add(byMatch(key, list, body.get("match")));
        }
        if (picks.isEmpty()) {
            throw malformed("say which entry: {\"index\",\"value\"}, {\"old\",\"new\"} or {\"match\",\"value\"}");
        }
        int i = one(picks, key);
        if (body.has("old")) {
            list.set(i, body.get("new"));
        } else {
            set(list, i, body.get("value"));
        }
        doc.set(key, normalize(key, list));
        return new Changed(i, label(key, list.get(i)));
    }

    /** Removes the one entry the DELETE query names. */
    static Changed delete(ObjectNode doc, String key, Query q) {
        ArrayNode list = listOf(doc, key);
        List<Set<Integer>> picks = new ArrayList<>();
        q.index().ifPresent(n -> picks.add(n >= 0 && n < list.size() ? Set.of(n.intValue()) : Set.of()));
        q.value().ifPresent(v -> picks.add(matching(list, e -> v.equals(e.isTextual() ? e.asText() : identity(key, e)))));
        q.apiKey().ifPresent(k -> picks.add(matching(list, e -> k.equals(e.path("api-key").asText(null))
                && q.baseUrl().map(u -> u.equals(e.path("base-url").asText())).orElse(true))));
        q.name().ifPresent(n -> picks.add(matching(list, e -> n.equals(e.path("name").asText(null)))));
        if (picks.isEmpty()) {
            throw malformed("say which entry: ?index=, ?value=, ?api-key= or ?name=");
        }
        int i = one(picks, key);
        String label = label(key, list.get(i));
        list.remove(i);
        doc.set(key, list);
        return new Changed(i, label);
    }

    /** Client keys are trimmed and de-duplicated (as CLIProxyAPI); other lists are kept as given. */
    static ArrayNode normalize(String key, ArrayNode list) {
        if (!key.equals("api-keys")) {
            return list;
        }
        ArrayNode out = Json.MAPPER.createArrayNode();
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                out.add(n); // left for validation to reject
            } else if (!n.asText().isBlank() && seen.add(n.asText().trim())) {
                out.add(n.asText().trim());
            }
        }
        return out;
    }

    private static Set<Integer> byIndex(ArrayNode list, JsonNode index) {
        if (!index.isIntegralNumber() && !(index.isTextual() && index.asText().trim().matches("-?\\d{1,9}"))) {
            throw malformed("index must be a whole number");
        }
        int i = index.isTextual() ? Integer.parseInt(index.asText().trim()) : index.asInt();
        return i >= 0 && i < list.size() ? Set.of(i) : Set.of();
    }

    private static Set<Integer> byMatch(String key, ArrayNode list, JsonNode match) {
        if (match.isTextual() && !match.asText().isEmpty()) {
            return matching(list, e -> match.asText().equals(e.isTextual() ? e.asText() : identity(key, e)));
        }
        if (match.isObject() && !match.isEmpty()) {
            return matching(list, e -> {
                if (!e.isObject()) {
                    return false;
                }
                for (var it = match.fields(); it.hasNext();) {
                    var f = it.next();
                    if (!f.getValue().equals(e.get(f.getKey()))) {
                        return false;
                    }
                }
                return true;
            });
        }
        throw malformed("match must be a non-empty string (the entry's "
                + (key.equals("openai-compatibility") ? "name" : "api-key") + ") or a non-empty object");
    }

    /** The one index every selector names. */
    private static int one(List<Set<Integer>> picks, String key) {
        Integer chosen = null;
        for (Set<Integer> p : picks) {
            if (p.isEmpty()) {
                throw new ApiError.Failure(404, "not_found", "no entry of " + key + " matches the selector");
            }
            if (p.size() > 1) {
                throw new ApiError.Failure(409, "ambiguous_selector", p.size() + " entries of " + key
                        + " match the selector; name one (e.g. by index, or api-key with base-url)");
            }
            int i = p.iterator().next();
            if (chosen != null && chosen != i) {
                throw new ApiError.Failure(409, "ambiguous_selector", "the selectors name different entries of "
                        + key + " (" + chosen + " and " + i + ")");
            }
            chosen = i;
        }
        return chosen;
    }

    private static void set(ArrayNode list, int i, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            throw malformed("\"value\" is required");
        }
        JsonNode entry = list.get(i);
        if (entry.isObject()) {
            if (!value.isObject()) {
                throw malformed("\"value\" must be an object for this list");
            }
            ((ObjectNode) entry).setAll((ObjectNode) value);
        } else {
            list.set(i, value);
        }
    }

    private static Set<Integer> matching(ArrayNode list, Predicate<JsonNode> test) {
        Set<Integer> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (test.test(list.get(i))) {
                out.add(i);
            }
        }
        return out;
    }

    /** The text CLIProxyAPI's string {@code match} compares: {@code name} for openai-compatibility, else the key. */
    private static String identity(String key, JsonNode entry) {
        return entry.path(key.equals("openai-compatibility") ? "name" : "api-key").asText(null);
    }

    /** Names an entry without revealing a key: its name, or its masked key and base URL. */
    private static String label(String key, JsonNode entry) {
        if (entry.isTextual()) {
            return ConfigSeal.maskValue(entry.asText());
        }
        if (entry.hasNonNull("name")) {
            return entry.get("name").asText();
        }
        String k = entry.path("api-key").asText("");
        String base = entry.path("base-url").asText("");
        return (k.isEmpty() ? key + " entry" : ConfigSeal.maskValue(k)) + (base.isEmpty() ? "" : " @ " + base);
    }

    private static ArrayNode listOf(ObjectNode doc, String key) {
        JsonNode v = doc.get(key);
        return v instanceof ArrayNode a ? a : Json.MAPPER.createArrayNode();
    }

    private static ApiError.Failure malformed(String message) {
        return new ApiError.Failure(400, "invalid_request", message);
    }
}
