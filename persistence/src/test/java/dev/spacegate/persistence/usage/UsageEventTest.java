package dev.spacegate.persistence.usage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Normalisation of usage records as CPA-Manager-Plus does it, the event hash, and export round trips. */
class UsageEventTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A CLIProxyAPI 7.x queue item (shape from cliproxyapi.md §5.2). */
    private static final String CPA_RECORD = """
            {"timestamp":"2026-03-01T10:15:30.123456789Z","latency_ms":1234,"ttft_ms":210,
             "source":"alice@example.com","auth_index":"0123456789abcdef",
             "tokens":{"input_tokens":100,"output_tokens":50,"reasoning_tokens":7,"cached_tokens":20,
                       "cache_read_tokens":20,"cache_creation_tokens":0,"total_tokens":157},
             "failed":false,"fail":{"status_code":200,"body":""},
             "provider":"codex","executor_type":"CodexExecutor","model":"gpt-5.5","alias":"gpt-5",
             "endpoint":"POST /v1/chat/completions","auth_type":"oauth","api_key":"sk-test-key-not-secret-123456",
             "request_id":"deadbeef","reasoning_effort":"high","service_tier":"auto","response_service_tier":"default"}
            """;

    static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void cpaRecordIsNormalised() throws Exception {
        UsageEvent e = UsageEvent.fromJson(json(CPA_RECORD));
        assertEquals(Instant.parse("2026-03-01T10:15:30.123Z").toEpochMilli(), e.timestampMs());
        assertEquals("gpt-5", e.model(), "client-visible alias wins");
        assertEquals("gpt-5", e.requestedModel());
        assertEquals("gpt-5.5", e.resolvedModel());
        assertEquals("codex", e.provider());
        assertEquals("CodexExecutor", e.executorType());
        assertEquals("POST /v1/chat/completions", e.endpoint());
        assertEquals("0123456789abcdef", e.authIndex());
        assertEquals("ali***@example.com", e.source());
        assertEquals(64, e.sourceHash().length());
        assertEquals(100, e.inputTokens());
        assertEquals(50, e.outputTokens());
        assertEquals(7, e.reasoningTokens());
        assertEquals(20, e.cachedTokens());
        assertEquals(157, e.totalTokens());
        assertEquals(1234L, e.latencyMs());
        assertEquals(210L, e.ttftMs());
        assertFalse(e.failed());
        assertNull(e.failStatusCode());
        assertEquals("default", e.serviceTier(), "the response tier is the effective one");
        assertEquals("high", e.reasoningEffort());
        assertEquals("m:sk-t...3456", e.apiKeyMasked());
        assertFalse(e.toJson().toString().contains("sk-test-key-not-secret"), "raw client key is never kept");
    }

    /** A line as the gateway's usage log holds it (UsageRecord.toJsonLine), its hash pinned before streaming reads. */
    private static final String LOG_LINE = "{\"timestamp\":\"2026-12-04T13:00:00.123456789Z\",\"latency_ms\":812,\"ttft_ms\":95,\"source\":\""
            + "fake-upstream-key-not-secret-0123456789abcdef\",\"auth_index\":\"0f1e2d3c4b5a6978\",\"client_ip\""
            + ":\"203.0.113.7\",\"x_forwarded_for\":\"\",\"user_agent\":\"curl/8.5.0\",\"tokens\":{\"input_toke"
            + "ns\":1200,\"output_tokens\":340,\"reasoning_tokens\":0,\"cached_tokens\":256,\"cache_read_tokens"
            + "\":256,\"cache_read_tokens_present\":true,\"cache_creation_tokens\":0,\"total_tokens\":1540},\"f"
            + "ailed\":false,\"generate\":true,\"fail\":{\"status_code\":0,\"body\":\"\"},\"accounting_version\""
            + ":2,\"token_breakdown\":{\"schema_version\":2,\"quality\":\"complete\",\"total_tokens\":1540,\"in"
            + "put\":{\"total_tokens\":1200,\"uncached_tokens\":944,\"cache_read_tokens\":256,\"cache_write_tok"
            + "ens\":0},\"output\":{\"total_tokens\":340,\"non_reasoning_tokens\":340,\"reasoning_tokens\":0},\""
            + "unclassified_tokens\":0},\"provider\":\"openai-compatibility\",\"executor_type\":\"openai\",\"mo"
            + "del\":\"up-chat\",\"alias\":\"chat\",\"endpoint\":\"POST /v1/chat/completions\",\"auth_type\":\""
            + "apikey\",\"api_key\":\"fake-client-key-not-secret\",\"request_id\":\"a1b2c3d4\"}";

    @Test
    void aLogLineKeepsTheEventHashItHadWhenReadAsATree() throws Exception {
        byte[] line = LOG_LINE.getBytes(StandardCharsets.UTF_8);
        // computed by the tree-based reader this replaced: a replay after an upgrade must find the stored row
        String pinned = "3daefbcca7525e9783d1e9c568c4cedce733fac370d735272e1ae019c03ef77d";
        UsageEvent streamed = UsageEvent.fromJson(line, 0, line.length);
        assertEquals(pinned, streamed.eventHash());
        assertEquals(pinned, UsageEvent.fromJson(json(LOG_LINE)).eventHash());
        assertEquals(withoutCreatedAt(UsageEvent.fromJson(json(LOG_LINE))), withoutCreatedAt(streamed));
        assertEquals("chat", streamed.model());
        assertEquals(1540, streamed.totalTokens());
        assertNull(streamed.failStatusCode());
    }

    @Test
    void streamingReadsAnswerAsTheTreeDid() throws Exception {
        // JSON null is absent and a repeated key's last value wins
        UsageEvent dup = stream("{\"timestamp\":\"2026-03-01T10:15:30Z\",\"request_id\":\"a\",\"request_id\":null,"
                + "\"requestId\":\"b\",\"tokens\":{\"input_tokens\":1},\"tokens\":{\"output_tokens\":2},"
                + "\"failed\":true,\"failed\":false}");
        assertEquals("b", dup.requestId());
        assertEquals(0, dup.inputTokens());
        assertEquals(2, dup.outputTokens());
        assertFalse(dup.failed());
        // an object where a count belongs counts 0 and hides the next container; numbers in text are read
        UsageEvent odd = stream("{\"timestamp\":1772360130.5,\"tokens\":{\"input_tokens\":{\"a\":1}},"
                + "\"usage\":{\"input_tokens\":7,\"output_tokens\":\" 8 \"},\"id\":42,\"unknown\":[{\"x\":[1,{}]}]}");
        assertEquals(0, odd.inputTokens());
        assertEquals(8, odd.outputTokens());
        assertEquals("42", odd.requestId());
        assertEquals(1_772_360_130_500L, odd.timestampMs());
        // a failure's response headers are quoted as the tree printed them (its repeated key once)
        UsageEvent failed = stream("{\"timestamp\":\"2026-03-01T10:15:30Z\",\"failed\":\"True\","
                + "\"fail\":{\"status_code\":true,\"body\":{\"x\":\"y\"}},"
                + "\"response_headers\":{\"x-a\":\"1\",\"x-b\":[1,2.50,{\"k\":null}],\"x-a\":\"2\"}}");
        assertTrue(failed.failed());
        assertEquals(1, failed.failStatusCode());
        assertEquals("{\"x-a\":\"2\",\"x-b\":[1,2.5,{\"k\":null}]}", failed.failSummary());
        // what follows the object is not read; malformed JSON and non-objects are told apart
        assertEquals("t", stream("{\"request_id\":\"t\"} trailing").requestId());
        assertThrows(IOException.class, () -> stream("{\"request_id\":\"x\",\"unknown\":[1,,2]}"));
        assertThrows(IOException.class, () -> stream("{\"request_id\":\"x\""));
        assertThrows(IOException.class, () -> stream("[1,"));
        assertEquals(PersistenceException.Code.INVALID_CONTENT,
                assertThrows(PersistenceException.class, () -> stream("[1]")).code());
    }

    private static UsageEvent stream(String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return UsageEvent.fromJson(b, 0, b.length);
    }

    private static ObjectNode withoutCreatedAt(UsageEvent e) {
        ObjectNode o = e.toJson();
        o.remove("created_at_ms");
        return o;
    }

    @Test
    void eventHashFollowsTheCpampFormula() throws Exception {
        UsageEvent e = UsageEvent.fromJson(json(CPA_RECORD));
        String expected = sha256("deadbeef|2026-03-01T10:15:30.123456789Z|POST /v1/chat/completions|gpt-5|"
                + "0123456789abcdef|" + e.sourceHash() + "|100|50|7|20|false|1234");
        assertEquals(expected, e.eventHash());
        assertEquals(e.eventHash(), UsageEvent.fromJson(json(CPA_RECORD)).eventHash(), "stable across parses");
    }

    @Test
    void exportLinesRoundTripVerbatim() throws Exception {
        UsageEvent e = UsageEvent.fromJson(json(CPA_RECORD));
        UsageEvent back = UsageEvent.fromJson(e.toJson());
        assertEquals(e.eventHash(), back.eventHash());
        assertEquals(e.toJson(), back.toJson());
    }

    @Test
    void aliasesCamelCaseAndContainersAreRead() throws Exception {
        UsageEvent e = UsageEvent.fromJson(json("""
                {"createdAt":1767225600,"durationMs":"900","email":"bob@example.org","authIndex":"ab",
                 "usage":{"promptTokens":11,"completionTokens":4,"cacheReadInputTokens":3,"cacheCreationInputTokens":2,
                          "cache_input_mode":"separate_from_input"},
                 "modelName":"claude-sonnet","type":"claude","method":"post","path":"/v1/messages",
                 "requestId":"r1","statusCode":529,"error_message":"overloaded"}
                """));
        assertEquals(1_767_225_600_000L, e.timestampMs(), "numbers below 1e10 are seconds");
        assertEquals(900L, e.latencyMs());
        assertEquals("bob***@example.org", e.source());
        assertEquals("ab", e.authIndex());
        assertEquals(11, e.inputTokens());
        assertEquals(4, e.outputTokens());
        assertEquals(3, e.cacheReadTokens());
        assertEquals(2, e.cacheCreationTokens());
        assertEquals(11 + 3 + 2 + 4, e.totalTokens(), "separate cache tokens count into the computed total");
        assertEquals("claude-sonnet", e.model());
        assertEquals("claude", e.provider());
        assertEquals("POST /v1/messages", e.endpoint());
        assertTrue(e.failed(), "status >= 400 means failed");
        assertNull(e.apiKeyHash());
    }

    @Test
    void timestampShapes() throws Exception {
        long expected = Instant.parse("2026-01-02T03:04:05Z").toEpochMilli();
        for (String t : new String[] {"\"2026-01-02 03:04:05\"", "\"2026-01-02T03:04:05\"", "\"2026-01-02T04:04:05+01:00\"",
                                      "1767323045000", "\"1767323045\""}) {
            assertEquals(expected, UsageEvent.fromJson(json("{\"timestamp\":" + t + ",\"model\":\"m\"}")).timestampMs(), t);
        }
        long before = System.currentTimeMillis();
        assertTrue(UsageEvent.fromJson(json("{\"model\":\"m\"}")).timestampMs() >= before, "missing -> now");
        PersistenceException bad = assertThrows(PersistenceException.class,
                () -> UsageEvent.fromJson(json("{\"timestamp\":\"yesterday\"}")));
        assertEquals(PersistenceException.Code.INVALID_CONTENT, bad.code());
        assertThrows(PersistenceException.class, () -> UsageEvent.fromJson(json("[1]")));
    }

    @Test
    void failuresAreDetectedAndSummariesRedacted() throws Exception {
        UsageEvent e = UsageEvent.fromJson(json("""
                {"model":"gpt-5","failed":true,"fail":{"status_code":401,
                 "body":"{\\"error\\":\\"bad key sk-abcdef1234567890 for carol@example.com\\",\\"authorization\\":\\"Bearer xyz-token-not-secret\\"}"}}
                """));
        assertTrue(e.failed());
        assertEquals(401, e.failStatusCode());
        assertFalse(e.failSummary().contains("sk-abcdef"), e.failSummary());
        assertFalse(e.failSummary().contains("carol@example.com"), e.failSummary());
        assertFalse(e.failSummary().contains("xyz-token-not-secret"), e.failSummary());
        assertTrue(e.failSummary().contains("[redacted]"));

        assertTrue(UsageEvent.fromJson(json("{\"success\":false}")).failed());
        assertFalse(UsageEvent.fromJson(json("{\"ok\":true,\"status\":500}")).failed(), "explicit ok wins");
        assertTrue(UsageEvent.fromJson(json("{\"error\":\"boom\"}")).failed());
        assertEquals("-", UsageEvent.fromJson(json("{}")).model());
        assertEquals("-", UsageEvent.fromJson(json("{}")).endpoint());
    }

    @Test
    void sourcesAreMasked() {
        assertEquals("m:AIza...wxyz", UsageNormalizer.maskSource("AIzaSyA-test-key-not-secret-wxyz"));
        assertEquals("my-project-id", UsageNormalizer.maskSource("my-project-id"));
        assertEquals("m:****", UsageNormalizer.maskSecret("short"));
        assertEquals("ab***@x.io", UsageNormalizer.maskSource("ab@x.io"));
    }

    @Test
    void canonicalUtcTimestampsReadAsTheFormatterReadsThem() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            // whole seconds, millis, micros and nanos, as Instant.toString writes them (years 1970 to 2100)
            long seconds = (long) (random.nextDouble() * 4_102_444_800L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(t, Rfc3339.parse(t.toString()), t.toString());
        }
        assertEquals(Instant.parse("2024-02-29T23:59:59.5Z"), Rfc3339.parse("2024-02-29T23:59:59.5Z"));
        for (String other : new String[] {"2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
                "2026-01-02T24:00:00Z", "2026-01-02T03:60:00Z", "2026-01-02 03:04:05Z", "2026-01-02T03:04:05+01:00",
                "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05.1234567891Z", "2026-01-02T03:04:0xZ",
                "2026-01-02T03:04:05"}) {
            assertNull(Rfc3339.parse(other), other);
        }
        // shapes the fast path leaves alone still read through the formatter
        assertEquals(Instant.parse("2026-01-02T02:04:05Z").toEpochMilli(),
                UsageEvent.fromJson(JSON.createObjectNode().put("timestamp", "2026-01-02T03:04:05+01:00"))
                        .timestampMs());
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
