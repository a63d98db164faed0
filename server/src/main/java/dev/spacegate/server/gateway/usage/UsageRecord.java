package dev.spacegate.server.gateway.usage;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /** The JSON object stored and queued. */
    public ObjectNode toJson() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("timestamp", (timestamp == null ? Instant.now() : timestamp).toString());
        o.put("latency_ms", latencyMs);
        o.put("ttft_ms", ttftMs);
        o.put("source", source);
        o.put("auth_index", authIndex);
        o.put("client_ip", clientIp);
        o.put("x_forwarded_for", forwardedFor);
        o.put("user_agent", userAgent);
        tokens.writeTo(o.putObject("tokens"));
        o.put("failed", failed);
        o.put("generate", true);
        o.putObject("fail").put("status_code", statusCode).put("body", failed ? failBody : "");
        o.put("accounting_version", 2);
        tokens.writeBreakdown(o.putObject("token_breakdown"));
        o.put("provider", provider);
        o.put("executor_type", executorType);
        o.put("model", model == null || model.isEmpty() ? "unknown" : model);
        o.put("alias", alias == null || alias.isEmpty() ? o.path("model").asText() : alias);
        o.put("endpoint", endpoint);
        o.put("auth_type", authType);
        o.put("api_key", apiKey);
        o.put("request_id", requestId);
        if (reasoningEffort != null) {
            o.put("reasoning_effort", reasoningEffort);
        }
        if (serviceTier != null) {
            o.put("service_tier", serviceTier);
        }
        return o;
    }
}
