package dev.spacegate.persistence.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One upstream request as the usage store keeps it: CLIProxyAPI's usage record fields after CPA-Manager-Plus
 * normalisation. Raw client keys and raw sources are never kept: {@code source} is masked and hashed,
 * the client key only hashed and masked. Nullable components are null when the record did not carry them.
 *
 * @param eventHash           dedupe key (SHA-256 hex, see {@link #computeHash})
 * @param requestId           upstream request id
 * @param timestampMs         request start, epoch milliseconds
 * @param provider            provider (codex, claude, gemini, ...)
 * @param executorType        executor that served the request
 * @param model               analytics model: the client-visible name if any, else the resolved one, else "-"
 * @param requestedModel      client-visible model name (alias)
 * @param resolvedModel       upstream model name
 * @param endpoint            "METHOD /route" or "-"
 * @param authType            oauth, apikey, unknown
 * @param authIndex           credential index (16 hex)
 * @param authId              credential id (auth file name) when known
 * @param authLabel           credential label (account e-mail, project) when known
 * @param source              masked source (e-mail as {@code abc***@domain}, secrets as {@code m:abcd...wxyz})
 * @param sourceHash          SHA-256 hex of the raw source
 * @param apiKeyHash          SHA-256 hex of the client API key
 * @param apiKeyMasked        masked client API key for display
 * @param inputTokens         input tokens
 * @param outputTokens        output tokens
 * @param reasoningTokens     reasoning tokens
 * @param cachedTokens        cached input tokens (max of cached_tokens and cache_tokens)
 * @param cacheReadTokens     cache read tokens
 * @param cacheCreationTokens cache creation (write) tokens
 * @param totalTokens         total tokens (computed when the record had none)
 * @param latencyMs           total latency
 * @param ttftMs              time to first token
 * @param failed              whether the request failed
 * @param failStatusCode      upstream status of a failure
 * @param failSummary         failure body with secrets and e-mails redacted, at most 4096 bytes
 * @param reasoningEffort     requested reasoning effort
 * @param serviceTier         effective service tier
 * @param createdAtMs         when the store first saw the event, epoch milliseconds
 */
public record UsageEvent(
        String eventHash,
        String requestId,
        long timestampMs,
        String provider,
        String executorType,
        String model,
        String requestedModel,
        String resolvedModel,
        String endpoint,
        String authType,
        String authIndex,
        String authId,
        String authLabel,
        String source,
        String sourceHash,
        String apiKeyHash,
        String apiKeyMasked,
        long inputTokens,
        long outputTokens,
        long reasoningTokens,
        long cachedTokens,
        long cacheReadTokens,
        long cacheCreationTokens,
        long totalTokens,
        Long latencyMs,
        Long ttftMs,
        boolean failed,
        Integer failStatusCode,
        String failSummary,
        String reasoningEffort,
        String serviceTier,
        long createdAtMs) {
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Normalises a CLIProxyAPI usage record, a CPA-Manager-Plus export line or one of this class's
     * {@link #toJson()} documents. A record that carries {@code event_hash} is an export and is taken verbatim.
     *
     * @throws PersistenceException with code INVALID_CONTENT for unusable input
     */
    public static UsageEvent fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new PersistenceException(Code.INVALID_CONTENT, "usage record must be a JSON object");
        }
        try (JsonParser p = json.traverse()) {
            return UsageNormalizer.normalize(p, System.currentTimeMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // walking a tree does no I/O
        }
    }

    /**
     * {@link #fromJson(JsonNode)} of one record given as UTF-8 JSON text, read as it streams by without building a
     * tree (members the rules do not read are skipped): the same event and event hash as the tree gives.
     *
     * @throws IOException          when the text is not well-formed JSON
     * @throws PersistenceException with code INVALID_CONTENT when it is not a usable usage record
     */
    public static UsageEvent fromJson(byte[] json, int offset, int length) throws IOException {
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            return UsageNormalizer.normalize(p, System.currentTimeMillis());
        }
    }

    /** The event as an export line (CPA-Manager-Plus export keys; absent values omitted). */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        putText(o, "request_id", requestId);
        o.put("event_hash", eventHash);
        o.put("timestamp_ms", timestampMs);
        o.put("timestamp", Rfc3339.format(Instant.ofEpochMilli(timestampMs)));
        putText(o, "provider", provider);
        putText(o, "executor_type", executorType);
        o.put("model", model);
        putText(o, "requested_model", requestedModel);
        putText(o, "resolved_model", resolvedModel);
        putText(o, "endpoint", endpoint);
        putText(o, "auth_type", authType);
        putText(o, "auth_index", authIndex);
        putText(o, "auth_file_snapshot", authId);
        putText(o, "auth_label_snapshot", authLabel);
        putText(o, "source", source);
        putText(o, "source_hash", sourceHash);
        putText(o, "api_key_hash", apiKeyHash);
        putText(o, "api_key_masked", apiKeyMasked);
        putText(o, "reasoning_effort", reasoningEffort);
        putText(o, "service_tier", serviceTier);
        o.put("input_tokens", inputTokens);
        o.put("output_tokens", outputTokens);
        o.put("reasoning_tokens", reasoningTokens);
        o.put("cached_tokens", cachedTokens);
        o.put("cache_read_tokens", cacheReadTokens);
        o.put("cache_creation_tokens", cacheCreationTokens);
        o.put("total_tokens", totalTokens);
        if (latencyMs != null) {
            o.put("latency_ms", latencyMs);
        }
        if (ttftMs != null) {
            o.put("ttft_ms", ttftMs);
        }
        o.put("failed", failed);
        if (failStatusCode != null) {
            o.put("fail_status_code", failStatusCode);
        }
        putText(o, "fail_summary", failSummary);
        o.put("created_at_ms", createdAtMs);
        return o;
    }

    /** The dedupe key of this event (stored hash; see {@link #computeHash} for how a new one is made). */
    public String eventHash() {
        return eventHash;
    }

    /** Request start as an instant. */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMs);
    }

    /**
     * The CPA-Manager-Plus event hash: SHA-256 hex of
     * {@code request_id|timestamp|endpoint|model|auth_index|source_hash|input|output|reasoning|cached|failed}
     * plus {@code |latency_ms} when present, timestamp as RFC 3339 UTC with nanoseconds.
     */
    public static String computeHash(String requestId, Instant timestamp, String endpoint, String model,
                                     String authIndex, String sourceHash, long input, long output, long reasoning,
                                     long cached, boolean failed, Long latencyMs) {
        StringBuilder s = new StringBuilder(256)
                .append(nz(requestId)).append('|')
                .append(Rfc3339.format(timestamp)).append('|')
                .append(nz(endpoint)).append('|')
                .append(nz(model)).append('|')
                .append(nz(authIndex)).append('|')
                .append(nz(sourceHash)).append('|')
                .append(input).append('|')
                .append(output).append('|')
                .append(reasoning).append('|')
                .append(cached).append('|')
                .append(failed);
        if (latencyMs != null) {
            s.append('|').append(latencyMs);
        }
        return UsageNormalizer.sha256Hex(s.toString());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void putText(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
