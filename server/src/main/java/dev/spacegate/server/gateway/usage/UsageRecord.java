package dev.spacegate.server.gateway.usage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.usage.Rfc3339;

/**
 * The facts of one upstream attempt, turned into CLIProxyAPI's usage record JSON (§5.2).
 *
 * <p>Mutable on purpose: the executor fills it while the attempt runs, then hands it to the sink once.
 */
public final class UsageRecord {
    public Instant timestamp;
    public long latencyMs;
    public long ttftMs;
    public String source = "";
    public String authIndex = "";
    public String clientIp = "";
    public String forwardedFor = "";
    public String userAgent = "";
    public final TokenCounts tokens = new TokenCounts();
    public boolean failed;
    public int statusCode;
    public String failBody = "";
    public String provider = "unknown";
    public String executorType = "unknown";
    public String model = "unknown";
    public String alias;
    public String endpoint = "";
    public String authType = "apikey";
    public String apiKey = "";
    public String requestId = "";
    public String reasoningEffort;
    public String serviceTier;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper TREES = new ObjectMapper();

    /**
     * The record as one line of JSON ending in {@code '\n'}, written field by field: this runs on the request's
     * thread for every request, where building a tree and then serializing it cost a sixth of the request's CPU.
     */
    public byte[] toJsonLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("timestamp", Rfc3339.format(timestamp == null ? Instant.now() : timestamp));
            g.writeNumberField("latency_ms", latencyMs);
            g.writeNumberField("ttft_ms", ttftMs);
            g.writeStringField("source", source);
            g.writeStringField("auth_index", authIndex);
            g.writeStringField("client_ip", clientIp);
            g.writeStringField("x_forwarded_for", forwardedFor);
            g.writeStringField("user_agent", userAgent);
            g.writeFieldName("tokens");
            tokens.writeTo(g);
            g.writeBooleanField("failed", failed);
            g.writeBooleanField("generate", true);
            g.writeObjectFieldStart("fail");
            g.writeNumberField("status_code", statusCode);
            g.writeStringField("body", failed ? failBody : "");
            g.writeEndObject();
            g.writeNumberField("accounting_version", 2);
            g.writeFieldName("token_breakdown");
            tokens.writeBreakdown(g);
            g.writeStringField("provider", provider);
            g.writeStringField("executor_type", executorType);
            String m = model == null || model.isEmpty() ? "unknown" : model;
            g.writeStringField("model", m);
            g.writeStringField("alias", alias == null || alias.isEmpty() ? m : alias);
            g.writeStringField("endpoint", endpoint);
            g.writeStringField("auth_type", authType);
            g.writeStringField("api_key", apiKey);
            g.writeStringField("request_id", requestId);
            if (reasoningEffort != null) {
                g.writeStringField("reasoning_effort", reasoningEffort);
            }
            if (serviceTier != null) {
                g.writeStringField("service_tier", serviceTier);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** The same record as a JSON object (for the in-memory usage queue and tests). */
    public ObjectNode toJson() {
        try {
            return (ObjectNode) TREES.readTree(toJsonLine());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
