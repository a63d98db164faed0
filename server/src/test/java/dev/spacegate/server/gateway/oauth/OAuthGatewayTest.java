package dev.spacegate.server.gateway.oauth;

import static dev.spacegate.server.gateway.oauth.OAuthTesting.JSON;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.await;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.messages;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.mgmt;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.responses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.spacegate.persistence.auth.DirAuthStore;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

/** Auth files end to end on real sockets: logins, refresh, 401 retry, invalid_grant, disabled files, proxies. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OAuthGatewayTest {
    private static FakeProvider fake;
    private static CountingProxy proxy;
    private static GatewayHarness h;
    private static DirAuthStore store;
    private static OAuthTesting.LogCapture logs;
    private static Path storeDir;

    @BeforeAll
    static void start() throws Exception {
        logs = OAuthTesting.LogCapture.install();
        fake = new FakeProvider();
        proxy = new CountingProxy();
        h = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 1)), CooldownStore.none());
        storeDir = h.dir.resolve("auths");
        store = DirAuthStore.open(storeDir, OAuthTesting.box());
        h.gateway.attachAuthStore(store, RefreshLock.LOCAL, h.dir.resolve("cli-proxy-api"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        proxy.close();
        fake.close();
        logs.close();
    }

    private static void upload(String name, byte[] json) throws Exception {
        HttpResponse<String> r = mgmt(h, "POST", "/v0/management/auth-files?name=" + name,
                new String(json, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
    }

    private static JsonNode entry(String name) throws Exception {
        HttpResponse<String> r = mgmt(h, "GET", "/v0/management/auth-files?name=" + name, null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode files = JSON.readTree(r.body()).path("files");
        assertEquals(1, files.size(), r.body());
        return files.get(0);
    }

    private static JsonNode stored(String name) throws Exception {
        return JSON.readTree(store.get(name).orElseThrow());
    }

    private static List<String> tokensFor(String path, List<String> candidates) {
        return fake.calls.stream().filter(c -> c.path().equals(path)).map(FakeProvider.Call::token)
                .filter(candidates::contains).toList();
    }

    private static long refreshesWith(String refreshToken) {
        return fake.tokenRequests.stream().filter(f -> refreshToken.equals(f.get("refresh_token"))).count();
    }

    @Test
    @Order(1)
    void codexLoginThroughTheCallbackOnTheMainPort() throws Exception {
        JsonNode start = JSON.readTree(mgmt(h, "GET", "/v0/management/codex-auth-url", null).body());
        assertEquals("ok", start.path("status").asText());
        String state = start.path("state").asText();
        String url = start.path("url").asText();
        assertTrue(url.startsWith(fake.url() + "/oauth/authorize?"), url);
        assertTrue(url.contains("client_id=app_EMoamEEZ73f0CkXaXp7hrann"), url);
        assertTrue(url.contains("code_challenge_method=S256") && url.contains("code_challenge="), url);
        assertTrue(url.contains("state=" + state), url);
        assertEquals("wait", JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null)
                .body()).path("status").asText());

        HttpResponse<String> cb = h.get("/codex/callback?code=" + FakeProvider.GOOD_CODE + "&state=" + state, Map.of());
        assertEquals(200, cb.statusCode(), cb.body());
        assertTrue(cb.body().contains("Authentication successful!"));
        assertEquals("ok", JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null)
                .body()).path("status").asText());

        Map<String, String> exchange = fake.tokenRequests.stream()
                .filter(f -> "authorization_code".equals(f.get("grant_type"))).reduce((a, b) -> b).orElseThrow();
        assertFalse(exchange.containsKey("_json"), "codex exchanges the code with a form body");
        assertEquals("http://localhost:1455/auth/callback", exchange.get("redirect_uri"));
        assertFalse(exchange.get("code_verifier").isEmpty());

        JsonNode e = entry("codex-user@example.com-plus.json");
        assertEquals("codex", e.path("type").asText());
        assertEquals("user@example.com", e.path("email").asText());
        assertEquals("plus", e.path("id_token").path("plan_type").asText());

        HttpResponse<String> r = h.postWithKey("/v1/responses", responses("gpt-5"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("response.completed"), r.body());
        FakeProvider.Call call = fake.calls.get(fake.calls.size() - 1);
        assertEquals("/backend-api/codex/responses", call.path());
        assertEquals(stored("codex-user@example.com-plus.json").path("access_token").asText(), call.token());
        assertEquals("acct-test", call.headers().get("chatgpt-account-id"));
        assertEquals("codex_cli_rs", call.headers().get("originator"));
        assertTrue(call.headers().containsKey("session_id"));

        // The ChatGPT backend only streams: a non-streaming client gets the stream folded into one JSON answer.
        HttpResponse<String> plain = h.postWithKey("/v1/responses",
                "{\"model\":\"gpt-5\",\"input\":\"hi\",\"stream\":false}");
        assertEquals(200, plain.statusCode(), plain.body());
        JsonNode folded = JSON.readTree(plain.body());
        assertEquals("response", folded.path("object").asText(), plain.body());
        assertTrue(fake.calls.get(fake.calls.size() - 1).body().contains("\"stream\":true"),
                "the upstream was asked for a stream");
    }

    @Test
    @Order(2)
    void claudeLoginByPastingTheRedirectUrl() throws Exception {
        JsonNode start = JSON.readTree(mgmt(h, "GET", "/v0/management/anthropic-auth-url", null).body());
        String state = start.path("state").asText();
        assertTrue(start.path("url").asText().contains("code=true"));
        String pasted = "http://localhost:54545/callback?code=" + FakeProvider.GOOD_CODE + "%23" + state
                + "&state=" + state;
        HttpResponse<String> r = mgmt(h, "POST", "/v0/management/oauth-callback",
                JSON.createObjectNode().put("provider", "anthropic").put("redirect_url", pasted).toString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("ok", JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null)
                .body()).path("status").asText());
        Map<String, String> exchange = fake.tokenRequests.get(fake.tokenRequests.size() - 1);
        assertEquals("true", exchange.get("_json"), "claude exchanges the code with a JSON body");
        assertEquals(state, exchange.get("state"));
        assertEquals(FakeProvider.GOOD_CODE, exchange.get("code"));

        entry("claude-user@example.com.json");
        HttpResponse<String> m = h.postWithKey("/v1/messages", messages("claude-sonnet-4-5-20250929"));
        assertEquals(200, m.statusCode(), m.body());
        FakeProvider.Call call = fake.calls.get(fake.calls.size() - 1);
        assertEquals("/v1/messages", call.path());
        assertTrue(call.headers().get("anthropic-beta").contains("oauth-2025-04-20"));
        assertFalse(call.headers().containsKey("x-api-key"));
        assertEquals("2023-06-01", call.headers().get("anthropic-version"));

        // a wrong code: the login fails and says so; an unknown state is refused
        String state2 = JSON.readTree(mgmt(h, "GET", "/v0/management/anthropic-auth-url", null).body())
                .path("state").asText();
        HttpResponse<String> bad = mgmt(h, "POST", "/v0/management/oauth-callback",
                JSON.createObjectNode().put("state", state2).put("code", "wrong-code").toString());
        assertEquals(400, bad.statusCode());
        JsonNode st = JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state2, null).body());
        assertEquals("error", st.path("status").asText());
        assertEquals(400, mgmt(h, "POST", "/v0/management/oauth-callback",
                "{\"state\":\"nope\",\"code\":\"x\"}").statusCode());
        // a pending login can be cancelled
        String state3 = JSON.readTree(mgmt(h, "GET", "/v0/management/codex-auth-url", null).body())
                .path("state").asText();
        JsonNode cancel = JSON.readTree(mgmt(h, "DELETE", "/v0/management/oauth-session?state=" + state3, null).body());
        assertTrue(cancel.path("cancelled").asBoolean());
    }

    @Test
    @Order(3)
    void kimiDeviceLogin() throws Exception {
        JsonNode start = JSON.readTree(mgmt(h, "GET", "/v0/management/kimi-auth-url", null).body());
        assertEquals("device", start.path("flow").asText());
        assertEquals("ABCD-EFGH", start.path("user_code").asText());
        String state = start.path("state").asText();
        await(Duration.ofSeconds(20), () -> {
            try {
                return JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null).body())
                        .path("status").asText().equals("ok");
            } catch (Exception e) {
                return false;
            }
        }, "device login to finish");
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"kimi-k2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("/coding/v1/chat/completions", fake.calls.get(fake.calls.size() - 1).path());
    }

    @Test
    @Order(4)
    void theSchedulerRefreshesAheadOfExpiryAndWritesThrough() throws Exception {
        String old = fake.issueValid("sched-old-not-secret");
        upload("codex-sched.json", file("codex", old, "sched-refresh-not-secret",
                Instant.now().plus(Duration.ofHours(1)), fields().put("prefix", "sched")));
        await(Duration.ofSeconds(15), () -> {
            try {
                return !stored("codex-sched.json").path("access_token").asText().equals(old);
            } catch (Exception e) {
                return false;
            }
        }, "the scheduled refresh");
        assertEquals(1, refreshesWith("sched-refresh-not-secret"));
        Map<String, String> req = fake.tokenRequests.stream()
                .filter(f -> "sched-refresh-not-secret".equals(f.get("refresh_token"))).findFirst().orElseThrow();
        assertEquals("app_EMoamEEZ73f0CkXaXp7hrann", req.get("client_id"));
        assertEquals("openid profile email", req.get("scope"));
        JsonNode now = stored("codex-sched.json");
        assertTrue(Instant.parse(now.path("expired").asText()).isAfter(Instant.now().plus(Duration.ofDays(6))));
        assertEquals("sched", now.path("prefix").asText(), "settings survive a refresh");
        HttpResponse<String> r = h.postWithKey("/v1/responses", responses("sched/gpt-5"));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(now.path("access_token").asText(), fake.calls.get(fake.calls.size() - 1).token());
    }

    @Test
    @Order(5)
    void aRejectedTokenIsRefreshedOnceAndTheRequestRetried() throws Exception {
        upload("claude-u401.json", file("claude", "stale-401-not-secret", "r401-not-secret",
                Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "u401")));
        HttpResponse<String> r = h.postWithKey("/v1/messages", messages("u401/claude-sonnet-4-5-20250929"));
        assertEquals(200, r.statusCode(), r.body());
        String fresh = stored("claude-u401.json").path("access_token").asText();
        assertEquals(List.of("stale-401-not-secret", fresh), tokensFor("/v1/messages",
                List.of("stale-401-not-secret", fresh)));
        assertEquals(1, refreshesWith("r401-not-secret"));
        Map<String, String> req = fake.tokenRequests.stream()
                .filter(f -> "r401-not-secret".equals(f.get("refresh_token"))).findFirst().orElseThrow();
        assertEquals("true", req.get("_json"), "claude refreshes with a JSON body");
        assertEquals("9d1c250a-e61b-44d9-88ed-5944d1962f5e", req.get("client_id"));
    }

    @Test
    @Order(6)
    void invalidGrantMarksTheAuthFileAsNeedingLogin() throws Exception {
        fake.invalidGrantFor.add("rig-not-secret");
        upload("claude-ig.json", file("claude", "stale-ig-not-secret", "rig-not-secret",
                Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "ig")));
        HttpResponse<String> r = h.postWithKey("/v1/messages", messages("ig/claude-sonnet-4-5-20250929"));
        assertEquals(401, r.statusCode(), r.body());
        JsonNode e = entry("claude-ig.json");
        assertEquals("error", e.path("status").asText());
        assertTrue(e.path("unavailable").asBoolean());
        assertTrue(e.path("status_message").asText().contains("log in again"), e.toString());
        HttpResponse<String> again = h.postWithKey("/v1/messages", messages("ig/claude-sonnet-4-5-20250929"));
        assertEquals(400, again.statusCode(), "an auth file that needs a login is not used: " + again.body());
        assertEquals(1, refreshesWith("rig-not-secret"));
        assertEquals("stale-ig-not-secret", stored("claude-ig.json").path("access_token").asText(),
                "the stored file is left as it was");
    }

    @Test
    @Order(7)
    void invalidGrantFirstRereadsTheStoreForATokenAnotherReplicaRotated() throws Exception {
        fake.invalidGrantFor.add("rot1-not-secret");
        String rotated = fake.issueValid("rot-new-not-secret");
        AtomicBoolean once = new AtomicBoolean();
        fake.beforeRefreshAnswer = () -> {
            if (once.compareAndSet(false, true)) {
                // another replica wins the race: it stores a rotated pair while our refresh is on the wire
                store.put("claude-rot.json", file("claude", rotated, "rot2-not-secret",
                        Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "rot")));
            }
        };
        try {
            upload("claude-rot.json", file("claude", "stale-rot-not-secret", "rot1-not-secret",
                    Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "rot")));
            HttpResponse<String> r = h.postWithKey("/v1/messages", messages("rot/claude-sonnet-4-5-20250929"));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(List.of("stale-rot-not-secret", rotated), tokensFor("/v1/messages",
                    List.of("stale-rot-not-secret", rotated)));
            assertEquals("active", entry("claude-rot.json").path("status").asText());
        } finally {
            fake.beforeRefreshAnswer = () -> { };
        }
    }

    @Test
    @Order(8)
    void disabledFilesAreSkipped() throws Exception {
        String ta = fake.issueValid("ds-a-not-secret");
        String tb = fake.issueValid("ds-b-not-secret");
        Instant far = Instant.now().plus(Duration.ofDays(30));
        upload("codex-ds-a.json", file("codex", ta, "ds-ra-not-secret", far,
                fields().put("prefix", "ds").put("disabled", true)));
        upload("codex-ds-b.json", file("codex", tb, "ds-rb-not-secret", far, fields().put("prefix", "ds")));
        for (int i = 0; i < 4; i++) {
            assertEquals(200, h.postWithKey("/v1/responses", responses("ds/gpt-5")).statusCode());
        }
        assertEquals(List.of(tb, tb, tb, tb), tokensFor("/backend-api/codex/responses", List.of(ta, tb)));
        assertEquals(200, mgmt(h, "PATCH", "/v0/management/auth-files/status",
                "{\"name\":\"codex-ds-b.json\",\"disabled\":true}").statusCode());
        assertEquals(400, h.postWithKey("/v1/responses", responses("ds/gpt-5")).statusCode());
        assertEquals("disabled", entry("codex-ds-b.json").path("status").asText());
        assertTrue(stored("codex-ds-b.json").path("disabled").asBoolean(), "written to the file");
        assertEquals(200, mgmt(h, "PATCH", "/v0/management/auth-files/status",
                "{\"name\":\"codex-ds-a.json\",\"disabled\":false}").statusCode());
        assertEquals(200, h.postWithKey("/v1/responses", responses("ds/gpt-5")).statusCode());
        List<String> seen = tokensFor("/backend-api/codex/responses", List.of(ta, tb));
        assertEquals(ta, seen.get(seen.size() - 1));
    }

    @Test
    @Order(9)
    void aFilesProxyUrlCarriesItsRequests() throws Exception {
        String t = fake.issueValid("px-not-secret");
        upload("codex-px.json", file("codex", t, "px-r-not-secret", Instant.now().plus(Duration.ofDays(30)),
                fields().put("prefix", "px").put("proxy_url", proxy.url())));
        int before = proxy.connections.get();
        HttpResponse<String> r = h.postWithKey("/v1/responses", responses("px/gpt-5"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(proxy.connections.get() > before, "the request went through the file's proxy");
        assertEquals(t, fake.calls.get(fake.calls.size() - 1).token());
        int after = proxy.connections.get();
        assertEquals(200, h.postWithKey("/v1/responses", responses("ds/gpt-5")).statusCode());
        assertEquals(after, proxy.connections.get(), "files without proxy_url go direct");
    }

    @Test
    @Order(10)
    void countersAndAuthIndexInTheListing() throws Exception {
        JsonNode e = entry("codex-ds-b.json");
        assertTrue(e.path("success").asLong() >= 4, e.toString());
        assertEquals(20, e.path("recent_requests").size());
        String expected = dev.spacegate.server.gateway.models.ModelRegistry.authIndex("codex:"
                + h.dir.resolve("cli-proxy-api").toAbsolutePath().normalize().resolve("codex-ds-b.json"));
        assertEquals(expected, e.path("auth_index").asText());
        UsageEvent usage = h.usageFor("ds/gpt-5").stream().findFirst().orElseThrow();
        assertEquals(expected, usage.authIndex());
        assertEquals("som***@example.com", usage.source(), "the account's e-mail, masked as the store keeps it");
        assertEquals("oauth", usage.authType());
        assertEquals("codex", usage.provider());
        assertTrue(h.gateway.credentials().isEmpty(), "auth files are not API-key credentials");
    }

    @Test
    @Order(11)
    void aNonStreamingCallToCodexIsCollectedFromItsStream() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/responses", "{\"model\":\"ds/gpt-5\",\"input\":\"hi\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("resp_1", body.path("id").asText());
        assertEquals("completed", body.path("status").asText());
        FakeProvider.Call call = fake.calls.get(fake.calls.size() - 1);
        assertTrue(call.body().contains("\"stream\":true"), call.body());
        assertEquals("text/event-stream", call.headers().get("accept"));
    }

    @Test
    @Order(12)
    void aVertexServiceAccountMintsItsTokenAndCallsVertexPaths() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair kp = g.generateKeyPair();
        fake.serviceAccountKey = kp.getPublic();
        // a key made for this test run; the PEM label is assembled so the source holds no key-shaped block
        String label = "PRIVATE" + " KEY";
        String pem = "-----BEGIN " + label + "-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(kp.getPrivate().getEncoded()) + "\n-----END " + label + "-----\n";
        com.fasterxml.jackson.databind.node.ObjectNode sa = JSON.createObjectNode().put("type", "service_account")
                .put("project_id", "proj-test").put("private_key", pem)
                .put("client_email", "sa@proj-test.iam.gserviceaccount.com").put("token_uri", fake.url() + "/oauth/token");
        com.fasterxml.jackson.databind.node.ObjectNode vf = JSON.createObjectNode().put("type", "vertex")
                .put("project_id", "proj-test").put("email", "sa@proj-test.iam.gserviceaccount.com")
                .put("location", "us-central1");
        vf.set("service_account", sa);
        upload("vertex-proj-test.json", vf.toString().getBytes(StandardCharsets.UTF_8));
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = h.postWithKey("/v1beta/models/gemini-2.5-pro:generateContent", body);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("hello"), r.body());
        }
        FakeProvider.Call call = fake.calls.get(fake.calls.size() - 1);
        assertEquals("/v1/projects/proj-test/locations/us-central1/publishers/google/models/gemini-2.5-pro"
                + ":generateContent", call.path());
        assertTrue(fake.valid.contains(call.token()));
        assertFalse(call.headers().containsKey("x-goog-api-key"));
        assertEquals(1, fake.jwtMints.get(), "the minted token is reused while valid");
        assertFalse(stored("vertex-proj-test.json").has("access_token"), "minted tokens are not stored");
    }

    @Test
    @Order(13)
    void xaiDeviceLoginThroughDiscoveryAndAntigravityLogin() throws Exception {
        JsonNode start = JSON.readTree(mgmt(h, "GET", "/v0/management/xai-auth-url", null).body());
        assertEquals("device", start.path("flow").asText(), start.toString());
        String state = start.path("state").asText();
        await(Duration.ofSeconds(20), () -> {
            try {
                return JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null).body())
                        .path("status").asText().equals("ok");
            } catch (Exception e) {
                return false;
            }
        }, "xai device login to finish");
        String name = JSON.readTree(mgmt(h, "GET", "/v0/management/get-auth-status?state=" + state, null).body())
                .path("name").asText();
        assertTrue(name.startsWith("xai-"), name);
        JsonNode x = stored(name);
        assertEquals(fake.url() + "/oauth/token", x.path("token_endpoint").asText());
        assertEquals("oauth", x.path("auth_kind").asText());
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"grok-4\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(x.path("access_token").asText(), fake.calls.get(fake.calls.size() - 1).token());

        String agState = JSON.readTree(mgmt(h, "GET", "/v0/management/antigravity-auth-url", null).body())
                .path("state").asText();
        HttpResponse<String> cb = h.get("/antigravity/callback?code=" + FakeProvider.GOOD_CODE + "&state=" + agState,
                Map.of());
        assertEquals(200, cb.statusCode(), cb.body());
        Map<String, String> exchange = fake.tokenRequests.get(fake.tokenRequests.size() - 1);
        assertEquals("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", exchange.get("client_secret"));
        JsonNode ag = stored("antigravity-google-user@example.com.json");
        assertTrue(ag.path("timestamp").isNumber() && ag.path("expires_in").isNumber(), ag.toString());
    }

    @Test
    @Order(99)
    void authFileContentsNeverReachTheLogsAndAreSealedOnDisk() throws Exception {
        assertFalse(logs.lines.isEmpty(), "the capture works");
        for (String line : logs.lines) {
            assertFalse(line.contains("not-secret") || line.contains("access_token"), "leaked in a log line: "
                    + line.replaceAll("[a-z0-9-]*not-secret", "<token>"));
        }
        try (Stream<Path> files = Files.walk(storeDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String raw = Files.readString(p, StandardCharsets.ISO_8859_1);
                assertFalse(raw.contains("not-secret") || raw.contains("access_token") || raw.contains("{"),
                        "plaintext at rest in " + p.getFileName());
            }
        }
        assertTrue(Files.list(storeDir).count() >= 8);
    }
}
