package dev.spacegate.persistence.usage;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The members of one usage record that {@link UsageNormalizer} reads, taken in one streaming pass (no tree).
 *
 * <p>Values answer as Jackson's tree nodes do, so an event and its hash are what the tree gave: JSON null is absent,
 * a repeated key's last value wins, and {@code asText}/{@code asLong}/{@code asInt} convert the way {@code JsonNode}
 * does. Members the rules do not read are skipped unread; objects are looked into only under {@code tokens},
 * {@code usage} and {@code fail}.
 */
final class UsageJson {
    /** Reads a failure's response headers: the summary quotes them as the tree printed them. */
    private static final ObjectMapper TREES = new ObjectMapper();
    private static final List<String> CONTAINERS = List.of("tokens", "usage", "fail");
    private static final List<String> HEADERS = List.of("response_headers", "responseHeaders", "headers");
    /**
     * Every member name the rules read; {@link #get} of another name is a programming error. The first
     * {@link #NESTED} are also read inside {@code tokens}, {@code usage} and {@code fail}.
     */
    private static final Map<String, Integer> SLOTS = slots(
            "input_tokens", "inputTokens", "prompt_tokens", "promptTokens",
            "output_tokens", "outputTokens", "completion_tokens", "completionTokens",
            "reasoning_tokens", "reasoningTokens", "cached_tokens", "cachedTokens", "cache_tokens", "cacheTokens",
            "cache_read_tokens", "cacheReadTokens", "cache_read_input_tokens", "cacheReadInputTokens",
            "cache_creation_tokens", "cacheCreationTokens", "cache_creation_input_tokens", "cacheCreationInputTokens",
            "cache_write_tokens", "cacheWriteTokens", "cache_write_input_tokens", "cacheWriteInputTokens",
            "total_tokens", "totalTokens", "total", "cache_input_mode", "cacheInputMode", "status_code", "body",
            // top level only from here
            "event_hash", "eventHash", "timestamp_ms", "created_at_ms",
            "timestamp", "time", "created_at", "createdAt", "created", "request_time", "requestTime",
            "method", "http_method", "httpMethod", "path", "url_path", "urlPath", "route",
            "endpoint", "api", "request", "operation",
            "latency_ms", "latencyMs", "duration_ms", "durationMs", "elapsed_ms", "elapsedMs",
            "ttft_ms", "ttftMs", "time_to_first_token_ms", "timeToFirstTokenMs",
            "tokens", "usage", "fail", "fail_status_code", "fail_body", "fail_summary",
            "failed", "is_failed", "isFailed", "success", "ok",
            "status", "statusCode", "http_status", "httpStatus", "error", "error_message", "errorMessage",
            "response_headers", "responseHeaders", "headers",
            "alias", "requested_model", "requestedModel", "resolved_model", "resolvedModel", "model", "model_name",
            "modelName", "request_id", "requestId", "id", "auth_index", "authIndex", "AuthIndex",
            "provider", "type", "auth_type", "authType", "executor_type", "executorType",
            "auth_file_snapshot", "authFileSnapshot", "auth_id", "authId",
            "auth_label_snapshot", "authLabelSnapshot", "auth_label", "authLabel",
            "response_service_tier", "responseServiceTier", "request_service_tier", "requestServiceTier",
            "service_tier", "serviceTier", "reasoning_effort", "reasoningEffort",
            "source", "source_hash", "sourceHash", "api_key_hash", "apiKeyHash", "api_key_masked", "apiKeyMasked",
            "api_key", "apiKey", "key", "account", "email");
    /** How many of the {@link #SLOTS} are read inside {@code tokens}, {@code usage} and {@code fail} too. */
    private static final int NESTED = SLOTS.get("body") + 1;
    private static final Value TRUE = new Value(Kind.BOOLEAN, "true", null, null, null);
    private static final Value FALSE = new Value(Kind.BOOLEAN, "false", null, null, null);
    private static final Value ARRAY = new Value(Kind.ARRAY, "", null, null, null);
    private static final Value OBJECT = new Value(Kind.OBJECT, "", null, null, null);

    private final Value[] values;

    private UsageJson(int slots) {
        this.values = new Value[slots];
    }

    /**
     * Reads the JSON object at the parser's next token through its end.
     *
     * @throws IOException          when the JSON is malformed
     * @throws PersistenceException INVALID_CONTENT when the value is not an object
     */
    static UsageJson read(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            if (t != null) {
                p.skipChildren(); // an unfinished array is malformed, as reading it whole found
            }
            throw new PersistenceException(Code.INVALID_CONTENT, "usage record must be a JSON object");
        }
        return members(p, true);
    }

    /** The member {@code name}, or null when absent or JSON null. */
    Value get(String name) {
        Integer slot = SLOTS.get(name);
        if (slot == null || slot >= values.length) {
            throw new IllegalArgumentException("usage member not read here: " + name);
        }
        return values[slot];
    }

    boolean hasNonNull(String name) {
        return get(name) != null;
    }

    /** The members of object {@code name} ({@code tokens}, {@code usage} or {@code fail}); null when not an object. */
    UsageJson object(String name) {
        Value v = get(name);
        return v == null ? null : v.members;
    }

    /** Reads members up to the end of the current object; the parser stands on its START_OBJECT. */
    private static UsageJson members(JsonParser p, boolean top) throws IOException {
        UsageJson o = new UsageJson(top ? SLOTS.size() : NESTED);
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            Integer slot = SLOTS.get(name);
            if (slot == null || slot >= o.values.length) {
                p.skipChildren();
                continue;
            }
            o.values[slot] = value(p, t, name, top);
        }
        return o; // nextFieldName gave null at the object's end (malformed input throws instead)
    }

    private static Value value(JsonParser p, JsonToken t, String name, boolean top) throws IOException {
        return switch (t) {
            case VALUE_NULL -> null;
            case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> new Value(Kind.TEXT, p.getText(), null, null, null);
            // Integer, Long, BigInteger or Double: the tree's node types; the text is made when asked for
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Value(Kind.NUMBER, null, p.getNumberValue(), null, null);
            case VALUE_TRUE -> TRUE;
            case VALUE_FALSE -> FALSE;
            case START_ARRAY -> {
                p.skipChildren();
                yield ARRAY;
            }
            case START_OBJECT -> {
                if (top && CONTAINERS.contains(name)) {
                    yield new Value(Kind.OBJECT, "", null, members(p, false), null);
                }
                if (top && HEADERS.contains(name)) {
                    JsonNode tree = TREES.readTree(p); // rare (a failure's headers), printed as the tree prints
                    yield new Value(Kind.OBJECT, "", null, null, tree.isEmpty() ? null : tree.toString());
                }
                p.skipChildren();
                yield OBJECT;
            }
            default -> throw new IOException("usage record: unexpected " + t);
        };
    }

    /** A HashMap, never changed after this: it looks a name up with fewer steps than Map.copyOf's probing. */
    private static Map<String, Integer> slots(String... names) {
        Map<String, Integer> m = new HashMap<>(names.length * 2);
        for (String n : names) {
            if (m.putIfAbsent(n, m.size()) != null) {
                throw new IllegalStateException("listed twice: " + n);
            }
        }
        return m;
    }

    private enum Kind { TEXT, NUMBER, BOOLEAN, OBJECT, ARRAY }

    /** One member's value; answers like the {@code JsonNode} the tree held. */
    static final class Value {
        private final Kind kind;
        private final String text;
        private final Number number;
        private final UsageJson members;
        private final String objectJson;

        private Value(Kind kind, String text, Number number, UsageJson members, String objectJson) {
            this.kind = kind;
            this.text = text;
            this.number = number;
            this.members = members;
            this.objectJson = objectJson;
        }

        boolean isNumber() {
            return kind == Kind.NUMBER;
        }

        boolean isBoolean() {
            return kind == Kind.BOOLEAN;
        }

        boolean isObject() {
            return kind == Kind.OBJECT;
        }

        /** A string, number or boolean (not an object or array). */
        boolean isValueNode() {
            return kind == Kind.TEXT || kind == Kind.NUMBER || kind == Kind.BOOLEAN;
        }

        boolean booleanValue() {
            return this == TRUE;
        }

        /** The text; a number's as the tree prints it; "" for an object or array. */
        String asText() {
            return kind == Kind.NUMBER ? number.toString() : text;
        }

        long asLong() {
            return switch (kind) {
                case NUMBER -> number.longValue();
                case TEXT -> NumberInput.parseAsLong(text, 0);
                case BOOLEAN -> booleanValue() ? 1 : 0;
                default -> 0;
            };
        }

        int asInt() {
            return switch (kind) {
                case NUMBER -> number.intValue();
                case TEXT -> NumberInput.parseAsInt(text, 0);
                case BOOLEAN -> booleanValue() ? 1 : 0;
                default -> 0;
            };
        }

        /** Only asked of numbers. */
        double asDouble() {
            return number.doubleValue();
        }

        /** The JSON text of a non-empty response-headers object, else null. */
        String objectJson() {
            return objectJson;
        }
    }
}
