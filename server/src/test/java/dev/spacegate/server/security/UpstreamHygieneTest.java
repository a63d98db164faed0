package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.spacegate.server.gateway.support.FakeUpstream;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Upstreams"): client headers reach a provider by allowlist only (finding 7), and the
 * credential's own key never comes back to the client or into the usage store through an upstream error body.
 */
class UpstreamHygieneTest {
    private static final String CLIENT_KEY = "fake-hygiene-client-not-secret";
    private static final String UPSTREAM_KEY = "fake-upstream-key-not-secret";

    @Test
    void onlyAllowedHeadersTravelAndTheKeyIsScrubbedFromErrors() throws Exception {
        try (FakeUpstream upstream = new FakeUpstream();
             SecureServer s = SecureServer.start("""
                     api-keys: ["%s"]
                     openai-compatibility:
                       - name: up
                         base-url: %s/v1
                         api-key-entries: [{api-key: %s}]
                         models: [{name: up-model, alias: m}, {name: up-bad, alias: bad}]
                     """.formatted(CLIENT_KEY, upstream.baseUrl(), UPSTREAM_KEY), Map.of())) {
            upstream.script(seen -> seen.model().equals("up-bad")
                    ? FakeUpstream.json(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + UPSTREAM_KEY
                    + ". You can find your API key at ...\",\"code\":\"invalid_api_key\"}}")
                    : FakeUpstream.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"up-model\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                    + "\"finish_reason\":\"stop\"}]}"));
            HttpResponse<String> ok = s.send("POST", "/v1/chat/completions",
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "Authorization", "Bearer " + CLIENT_KEY, "Content-Type", "application/json",
                    "X-Management-Key", SecureServer.MANAGEMENT_KEY, "Cookie", "session=abc",
                    "X-Forwarded-For", "1.2.3.4", "Forwarded", "for=1.2.3.4", "X-Real-IP", "1.2.3.4",
                    "X-Custom-Secret", "do-not-forward", "User-Agent", "my-sdk/1.0", "OpenAI-Beta", "assistants=v2",
                    "X-Stainless-Lang", "js");
            assertEquals(200, ok.statusCode(), ok.body());
            Map<String, String> seen = upstream.seen().get(0).headers();
            for (String h : new String[]{"x-management-key", "cookie", "x-forwarded-for", "forwarded", "x-real-ip",
                    "x-custom-secret"}) {
                assertFalse(seen.containsKey(h), h + " reached the upstream: " + seen);
            }
            assertFalse(seen.toString().contains(SecureServer.MANAGEMENT_KEY));
            assertFalse(seen.toString().contains(CLIENT_KEY));
            assertEquals("my-sdk/1.0", seen.get("user-agent"));
            assertEquals("assistants=v2", seen.get("openai-beta"));
            assertEquals("js", seen.get("x-stainless-lang"));

            HttpResponse<String> bad = s.send("POST", "/v1/chat/completions",
                    "{\"model\":\"bad\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                    "Authorization", "Bearer " + CLIENT_KEY, "Content-Type", "application/json");
            assertEquals(401, bad.statusCode(), bad.body());
            assertFalse(bad.body().contains(UPSTREAM_KEY), bad.body());
            assertTrue(bad.body().contains("[redacted]"), bad.body());

            s.spacegate.gateway().orElseThrow().usageSink().flush(Duration.ofSeconds(10));
            String export = s.manage("GET", "/v0/management/usage/export", null).body();
            assertFalse(export.contains(UPSTREAM_KEY), "the usage store holds no upstream key");
        }
    }
}
