package dev.spacegate.persistence.usage;

import com.fasterxml.jackson.core.JsonParser;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.usage.UsageJson.Value;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the usage JSON shapes seen in the wild into {@link UsageEvent}s (rules of CPA-Manager-Plus NormalizeRaw). */
final class UsageNormalizer {
    private static final int FAIL_SUMMARY_MAX_BYTES = 4096;
    private static final Pattern ENDPOINT = Pattern.compile("^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\\s+(\\S+)");
    private static final DateTimeFormatter SPACE_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter T_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    // Redaction rules for failure bodies: order matters (whole bearer tokens before bare key shapes).
    private static final List<Pattern> REDACT = List.of(
            Pattern.compile("(?i)(authorization\"?\\s*[:=]\\s*\"?)(bearer\\s+)?[^\",\\s}]+"),
            Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]+"),
            Pattern.compile("(?i)(\"?(?:access_token|refresh_token|id_token|api_key|apikey|cookie|set-cookie)\"?\\s*[:=]\\s*\"?)[^\",\\s}]+"),
            Pattern.compile("sk-[A-Za-z0-9_-]{6,}"),
            Pattern.compile("AIza[A-Za-z0-9_-]{10,}"),
            Pattern.compile("ghp_[A-Za-z0-9]{10,}"),
            Pattern.compile("hf_[A-Za-z0-9]{10,}"),
            Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"));

    private UsageNormalizer() {
    }

    /** Normalises the JSON object at the parser's next token, read as it streams by. */
    static UsageEvent normalize(JsonParser p, long nowMs) throws IOException {
        return normalize(UsageJson.read(p), nowMs);
    }

    private static UsageEvent normalize(UsageJson json, long nowMs) {
        String exportedHash = text(json, "event_hash", "eventHash");
        Instant timestamp;
        if (exportedHash != null && json.hasNonNull("timestamp_ms")) {
            timestamp = Instant.ofEpochMilli(json.get("timestamp_ms").asLong());
        } else {
            timestamp = timestamp(json, nowMs);
        }

        String method = text(json, "method", "http_method", "httpMethod");
        String path = text(json, "path", "url_path", "urlPath", "route");
        String endpoint = text(json, "endpoint", "api", "request", "operation");
        if (endpoint == null && method != null && path != null) {
            endpoint = method.toUpperCase(Locale.ROOT) + " " + path;
        }
        if (endpoint == null) {
            endpoint = "-";
        }

        long input = tokens(json, "input_tokens", "inputTokens", "prompt_tokens", "promptTokens");
        long output = tokens(json, "output_tokens", "outputTokens", "completion_tokens", "completionTokens");
        long reasoning = tokens(json, "reasoning_tokens", "reasoningTokens");
        long cached = Math.max(tokens(json, "cached_tokens", "cachedTokens"), tokens(json, "cache_tokens", "cacheTokens"));
        long cacheRead = tokens(json, "cache_read_tokens", "cacheReadTokens", "cache_read_input_tokens",
                "cacheReadInputTokens");
        long cacheCreation = tokens(json, "cache_creation_tokens", "cacheCreationTokens", "cache_creation_input_tokens",
                "cacheCreationInputTokens", "cache_write_tokens", "cacheWriteTokens", "cache_write_input_tokens",
                "cacheWriteInputTokens");
        long total = tokens(json, "total_tokens", "totalTokens", "total");
        if (total <= 0) {
            String mode = tokenText(json, "cache_input_mode", "cacheInputMode");
            long totalInput = "separate_from_input".equals(mode) ? input + cacheRead + cacheCreation : input;
            total = totalInput + output + reasoning;
        }

        Long latency = longOrNull(json, "latency_ms", "latencyMs", "duration_ms", "durationMs", "elapsed_ms", "elapsedMs");
        Long ttft = longOrNull(json, "ttft_ms", "ttftMs", "time_to_first_token_ms", "timeToFirstTokenMs");

        UsageJson fail = json.object("fail");
        Integer failStatus = null;
        if (fail != null && fail.hasNonNull("status_code")) {
            failStatus = fail.get("status_code").asInt();
        } else if (json.hasNonNull("fail_status_code")) {
            failStatus = json.get("fail_status_code").asInt();
        }
        boolean failed = failed(json);
        String failBody = fail != null && fail.hasNonNull("body") ? fail.get("body").asText()
                : text(json, "fail_body");
        Value headers = first(json, "response_headers", "responseHeaders", "headers");
        String failSummary = text(json, "fail_summary");
        if (failSummary == null && failed) {
            String body = failBody == null ? "" : failBody;
            if (headers != null && headers.objectJson() != null) {
                body = body.isEmpty() ? headers.objectJson() : body + " " + headers.objectJson();
            }
            failSummary = body.isEmpty() ? null : truncate(redact(body), FAIL_SUMMARY_MAX_BYTES);
        }
        if (!failed) {
            failStatus = null;
        }

        String requestedModel = text(json, "alias", "requested_model", "requestedModel");
        String resolvedModel = text(json, "resolved_model", "resolvedModel", "model", "model_name", "modelName");
        String model = requestedModel != null ? requestedModel : resolvedModel != null ? resolvedModel : "-";

        String requestId = text(json, "request_id", "requestId", "id");
        String authIndex = text(json, "auth_index", "authIndex", "AuthIndex");
        String provider = text(json, "provider", "type", "auth_type", "authType");
        String authId = text(json, "auth_file_snapshot", "authFileSnapshot", "auth_id", "authId");
        String authLabel = text(json, "auth_label_snapshot", "authLabelSnapshot", "auth_label", "authLabel");
        String responseTier = text(json, "response_service_tier", "responseServiceTier");
        String serviceTier = responseTier != null ? responseTier
                : text(json, "request_service_tier", "requestServiceTier", "service_tier", "serviceTier");

        String source;
        String sourceHash;
        String apiKeyHash;
        String apiKeyMasked;
        String eventHash;
        long createdAt;
        if (exportedHash != null) {
            // an export line: identity fields were normalised once already and are taken verbatim
            source = text(json, "source");
            sourceHash = text(json, "source_hash", "sourceHash");
            apiKeyHash = text(json, "api_key_hash", "apiKeyHash");
            apiKeyMasked = text(json, "api_key_masked", "apiKeyMasked");
            eventHash = exportedHash;
            createdAt = json.hasNonNull("created_at_ms") ? json.get("created_at_ms").asLong() : nowMs;
        } else {
            String rawSource = text(json, "source", "api_key", "apiKey", "key", "account", "email");
            source = rawSource == null ? null : maskSource(rawSource);
            sourceHash = rawSource == null ? null : sha256Hex(rawSource);
            String rawKey = text(json, "api_key", "apiKey", "key");
            apiKeyHash = rawKey == null ? null : sha256Hex(rawKey.trim());
            apiKeyMasked = rawKey == null ? null : maskSecret(rawKey.trim());
            eventHash = UsageEvent.computeHash(requestId, timestamp, endpoint, model, authIndex, sourceHash,
                    input, output, reasoning, cached, failed, latency);
            createdAt = nowMs;
        }

        return new UsageEvent(eventHash, requestId, timestamp.toEpochMilli(), provider,
                text(json, "executor_type", "executorType"), model, requestedModel, resolvedModel, endpoint,
                text(json, "auth_type", "authType"), authIndex, authId, authLabel, source, sourceHash, apiKeyHash,
                apiKeyMasked, input, output, reasoning, cached, cacheRead, cacheCreation, total, latency, ttft, failed,
                failStatus, failSummary, text(json, "reasoning_effort", "reasoningEffort"), serviceTier, createdAt);
    }

    // --- fields ------------------------------------------------------------------------------------------

    private static boolean failed(UsageJson json) {
        Value explicit = first(json, "failed", "is_failed", "isFailed");
        if (explicit != null) {
            return explicit.isBoolean() ? explicit.booleanValue() : "true".equalsIgnoreCase(explicit.asText());
        }
        Value ok = first(json, "success", "ok");
        if (ok != null) {
            return !(ok.isBoolean() ? ok.booleanValue() : "true".equalsIgnoreCase(ok.asText()));
        }
        Value status = first(json, "status", "status_code", "statusCode", "http_status", "httpStatus");
        if (status != null && (status.isNumber() || status.asText().matches("\\d+"))) {
            return status.asInt() >= 400;
        }
        return first(json, "error", "error_message", "errorMessage") != null;
    }

    private static Instant timestamp(UsageJson json, long nowMs) {
        Value t = first(json, "timestamp", "time", "created_at", "createdAt", "created", "request_time", "requestTime");
        if (t == null) {
            return Instant.ofEpochMilli(nowMs);
        }
        if (t.isNumber()) {
            return epoch(t.asDouble());
        }
        String s = t.asText().trim();
        if (s.isEmpty()) {
            return Instant.ofEpochMilli(nowMs);
        }
        Instant utc = Rfc3339.parse(s);
        if (utc != null) {
            return utc;
        }
        if (s.matches("-?\\d+(\\.\\d+)?")) {
            return epoch(Double.parseDouble(s));
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the zone-less shapes below
        }
        for (DateTimeFormatter f : List.of(SPACE_FORMAT, T_FORMAT)) {
            try {
                return LocalDateTime.parse(s.length() > 19 ? s.substring(0, 19) : s, f).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // next shape
            }
        }
        throw new PersistenceException(Code.INVALID_CONTENT, "usage record has an unreadable timestamp");
    }


    private static Instant epoch(double value) {
        // numbers below 1e10 are seconds, larger ones milliseconds
        if (Math.abs(value) < 1e10) {
            long seconds = (long) Math.floor(value);
            long nanos = Math.round((value - seconds) * 1e9);
            return Instant.ofEpochSecond(seconds, nanos);
        }
        return Instant.ofEpochMilli((long) value);
    }

    private static long tokens(UsageJson json, String... names) {
        for (String container : new String[] {"tokens", "usage"}) {
            UsageJson c = json.object(container);
            if (c != null) {
                Value v = first(c, names);
                if (v != null) {
                    return asLong(v);
                }
            }
        }
        Value v = first(json, names);
        return v == null ? 0 : asLong(v);
    }

    private static String tokenText(UsageJson json, String... names) {
        for (String container : new String[] {"tokens", "usage"}) {
            UsageJson c = json.object(container);
            if (c != null && first(c, names) != null) {
                return first(c, names).asText();
            }
        }
        return text(json, names);
    }

    private static long asLong(Value v) {
        if (v.isNumber()) {
            return v.asLong();
        }
        try {
            return (long) Double.parseDouble(v.asText().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Long longOrNull(UsageJson json, String... names) {
        Value v = first(json, names);
        return v == null ? null : asLong(v);
    }

    private static Value first(UsageJson json, String... names) {
        for (String n : names) {
            Value v = json.get(n);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String text(UsageJson json, String... names) {
        for (String n : names) {
            Value v = json.get(n);
            if (v != null && v.isValueNode()) {
                String s = v.asText().trim();
                if (!s.isEmpty()) {
                    return s;
                }
            }
        }
        return null;
    }

    // --- masking, hashing, redaction ---------------------------------------------------------------------

    /** E-mails become {@code abc***@domain}; secret-looking values {@code m:abcd...wxyz}; others stay. */
    static String maskSource(String raw) {
        String s = raw.trim();
        int at = s.indexOf('@');
        if (at > 0 && at < s.length() - 1 && s.indexOf('@', at + 1) < 0 && !s.contains(" ")) {
            return s.substring(0, Math.min(3, at)) + "***" + s.substring(at);
        }
        if (s.startsWith("sk-") || s.startsWith("AIza") || s.length() >= 32) {
            return maskSecret(s);
        }
        return s;
    }

    /** {@code m:abcd...wxyz}, or {@code m:****} for short values. */
    static String maskSecret(String s) {
        if (s.length() <= 8) {
            return "m:****";
        }
        return "m:" + s.substring(0, 4) + "..." + s.substring(s.length() - 4);
    }

    static String redact(String body) {
        String out = body;
        for (Pattern p : REDACT) {
            Matcher m = p.matcher(out);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String replacement = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) + "[redacted]" : "[redacted]";
                m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(sb);
            out = sb.toString();
        }
        return out;
    }

    static String truncate(String s, int maxBytes) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= maxBytes) {
            return s;
        }
        int end = maxBytes;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // do not cut a UTF-8 sequence in half
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }

    static String sha256Hex(String s) {
        return HexFormat.of().formatHex(SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** One digest per thread: looking SHA-256 up per event cost more than hashing the few bytes. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    });
}
