package dev.spacegate.server.manager.usage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageFilter;
import dev.spacegate.persistence.usage.UsagePage;
import dev.spacegate.persistence.usage.UsageQuery;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.server.web.Json;

/**
 * The CPA-compatible usage views: the flat {@code /v0/management/usage} payload, the JSONL export and the import of
 * JSONL, JSON arrays, single records and legacy CLIProxyAPI snapshots (deduplicated by event hash).
 */
public final class UsageTransfer {
    /** Largest import body (as CPA-Manager-Plus). */
    public static final long MAX_IMPORT_BYTES = 64L * 1024 * 1024;
    private static final int IMPORT_BATCH = 256;
    private static final UsageFilter ALL = UsageFilter.between(Instant.EPOCH, Instant.parse("9999-01-01T00:00:00Z"));

    private final UsageStore usage;

    public UsageTransfer(UsageStore usage) {
        this.usage = usage;
    }

    /** The latest {@code limit} events, newest first. */
    public List<UsageEvent> latest(int limit) {
        List<UsageEvent> out = new ArrayList<>();
        UsageQuery q = UsageQuery.first(ALL, Math.min(UsageQuery.MAX_LIMIT, Math.max(1, limit)));
        while (out.size() < limit) {
            UsagePage page = usage.query(q);
            for (UsageEvent e : page.events()) {
                if (out.size() < limit) {
                    out.add(e);
                }
            }
            if (page.nextCursor().isEmpty()) {
                break;
            }
            q = q.after(page.nextCursor().get());
        }
        return out;
    }

    /**
     * The flat payload: {@code {total_requests, success_count, failure_count, total_tokens,
     * apis:{endpoint:{models:{model:{details:[...]}}}}}}, endpoints and models sorted, details newest first.
     */
    public ObjectNode flat(int limit) {
        List<UsageEvent> events = latest(limit);
        Map<String, Map<String, ArrayNode>> apis = new TreeMap<>();
        long failures = 0;
        long tokens = 0;
        for (UsageEvent e : events) {
            failures += e.failed() ? 1 : 0;
            tokens += e.totalTokens();
            String endpoint = e.endpoint() == null || e.endpoint().isBlank() ? "-" : e.endpoint();
            apis.computeIfAbsent(endpoint, k -> new TreeMap<>())
                    .computeIfAbsent(e.model(), k -> Json.MAPPER.createArrayNode()).add(detail(e));
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("total_requests", events.size());
        out.put("success_count", events.size() - failures);
        out.put("failure_count", failures);
        out.put("total_tokens", tokens);
        ObjectNode a = out.putObject("apis");
        apis.forEach((endpoint, models) -> {
            ObjectNode m = a.putObject(endpoint).putObject("models");
            models.forEach((model, details) -> m.putObject(model).set("details", details));
        });
        return out;
    }

    private static ObjectNode detail(UsageEvent e) {
        ObjectNode d = Json.MAPPER.createObjectNode();
        d.put("timestamp", e.timestamp().toString());
        d.put("source", e.source() == null ? "" : e.source());
        putText(d, "auth_index", e.authIndex());
        putText(d, "api_key_hash", e.apiKeyHash());
        putText(d, "auth_file_snapshot", e.authId());
        putText(d, "auth_label_snapshot", e.authLabel());
        putText(d, "auth_provider_snapshot", e.provider());
        if (e.latencyMs() != null) {
            d.put("latency_ms", e.latencyMs());
        }
        if (e.ttftMs() != null) {
            d.put("ttft_ms", e.ttftMs());
        }
        putText(d, "requested_model", e.requestedModel());
        putText(d, "resolved_model", e.resolvedModel());
        putText(d, "reasoning_effort", e.reasoningEffort());
        putText(d, "service_tier", e.serviceTier());
        putText(d, "executor_type", e.executorType());
        long compatCached = Math.max(0, e.cachedTokens() - e.cacheReadTokens() - e.cacheCreationTokens());
        d.putObject("tokens").put("input_tokens", e.inputTokens()).put("output_tokens", e.outputTokens())
                .put("reasoning_tokens", e.reasoningTokens()).put("cached_tokens", compatCached)
                .put("cache_tokens", compatCached).put("cache_read_tokens", e.cacheReadTokens())
                .put("cache_creation_tokens", e.cacheCreationTokens()).put("total_tokens", e.totalTokens());
        d.put("failed", e.failed());
        if (e.failStatusCode() != null) {
            d.put("fail_status_code", e.failStatusCode());
        }
        putText(d, "fail_summary", e.failSummary());
        return d;
    }

    private static void putText(ObjectNode o, String k, String v) {
        if (v != null && !v.isEmpty()) {
            o.put(k, v);
        }
    }

    /** Writes the latest {@code limit} events as JSONL, oldest first, one export record per line. */
    public void export(int limit, OutputStream out) throws IOException {
        List<UsageEvent> events = latest(limit);
        Collections.reverse(events);
        for (UsageEvent e : events) {
            out.write(Json.MAPPER.writeValueAsBytes(e.toJson()));
            out.write('\n');
        }
    }

    /** The outcome of one import. */
    public record ImportResult(String format, int added, int skipped, int total, int failed, int unsupported,
                               List<String> warnings) {
        /** {@code {format, added, skipped, total, failed, unsupported, warnings}}. */
        public ObjectNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode().put("format", format).put("added", added)
                    .put("skipped", skipped).put("total", total).put("failed", failed).put("unsupported", unsupported);
            warnings.forEach(o.putArray("warnings")::add);
            return o;
        }
    }

    /** Imports a body in any supported format; committed batches stay even when a later one fails. */
    public ImportResult importBody(byte[] body) {
        Parsed in = parse(new String(body, StandardCharsets.UTF_8).strip());
        List<UsageEvent> events = new ArrayList<>();
        for (JsonNode r : in.records) {
            try {
                events.add(UsageEvent.fromJson(r));
            } catch (PersistenceException | IllegalArgumentException e) {
                in.failed++;
            }
        }
        int added = 0;
        for (int from = 0; from < events.size(); from += IMPORT_BATCH) {
            added += usage.appendBatch(events.subList(from, Math.min(events.size(), from + IMPORT_BATCH)));
        }
        return new ImportResult(in.format, added, events.size() - added, events.size() + in.failed, in.failed,
                in.unsupported, in.warnings);
    }

    /** An import body read into records, with what could not be read. */
    private static final class Parsed {
        final List<JsonNode> records = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        String format;
        int failed;
        int unsupported;
    }

    /** Tells the format (JSON array, legacy snapshot, one JSON object, JSON lines) and reads its records. */
    private static Parsed parse(String text) {
        Parsed in = new Parsed();
        JsonNode whole = null;
        if (text.startsWith("[") || text.startsWith("{")) {
            try {
                whole = Json.MAPPER.readerFor(JsonNode.class)
                        .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readValue(text);
            } catch (IOException e) {
                whole = null; // several JSON lines
            }
        }
        if (whole != null && whole.isArray()) {
            in.format = "json_array";
            whole.forEach(in.records::add);
        } else if (whole != null && (whole.path("usage").has("apis") || whole.has("apis"))) {
            readLegacy(whole, in);
        } else if (whole != null && whole.isObject()) {
            in.format = "json_object";
            in.records.add(whole);
        } else {
            in.format = "usage_service_jsonl";
            readJsonLines(text, in);
        }
        return in;
    }

    /** A CLIProxyAPI usage snapshot: one record per request detail, if it kept any. */
    private static void readLegacy(JsonNode whole, Parsed in) {
        boolean export = whole.path("usage").has("apis");
        in.format = export ? "legacy_usage_export" : "legacy_usage_payload";
        JsonNode apis = export ? whole.path("usage").path("apis") : whole.path("apis");
        int before = in.records.size();
        apis.fields().forEachRemaining(api -> api.getValue().path("models").fields().forEachRemaining(model -> {
            for (JsonNode d : model.getValue().path("details")) {
                in.records.add(legacyRecord(api.getKey(), model.getKey(), d));
            }
        }));
        if (in.records.size() == before) {
            in.unsupported++;
            in.warnings.add("legacy usage export does not contain request details");
        } else {
            in.warnings.add("legacy_usage_metadata_is_partial");
            in.warnings.add("legacy_usage_source_matching_may_be_approximate");
        }
    }

    private static void readJsonLines(String text, Parsed in) {
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = Json.MAPPER.readTree(line);
                if (n.isObject()) {
                    in.records.add(n);
                } else {
                    in.failed++;
                }
            } catch (IOException e) {
                in.failed++;
            }
        }
    }

    /** One detail of a legacy snapshot as a queue-style record (endpoint and model come from the keys). */
    private static JsonNode legacyRecord(String endpoint, String model, JsonNode detail) {
        ObjectNode r = detail.isObject() ? ((ObjectNode) detail).deepCopy() : Json.MAPPER.createObjectNode();
        r.put("endpoint", endpoint);
        r.put("model", model);
        if (!r.has("request_id")) {
            String digest = dev.spacegate.persistence.usage.UsageEvent.computeHash(null, Instant.EPOCH, endpoint, model,
                    null, null, 0, 0, 0, 0, false, null) + detail;
            r.put("request_id", "legacy:" + sha256(digest).substring(0, 16));
        }
        return r;
    }

    private static String sha256(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
