package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** passthrough-headers: which upstream response headers reach the client, on answers, streams and errors. */
class PassthroughHeadersTest {
    static final Map<String, String> UPSTREAM_HEADERS = Map.of("x-ratelimit-remaining-requests", "99",
            "openai-processing-ms", "12", "set-cookie", "session=upstream-not-secret", "cf-ray", "abc-LHR",
            "strict-transport-security", "max-age=1");
    static FakeUpstream upstream;
    static GatewayHarness on;
    static GatewayHarness off;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> switch (s.model()) {
            case "up-limited" -> FakeUpstream.json(429, "{\"error\":{\"message\":\"slow down\"}}", UPSTREAM_HEADERS);
            case "up-stream" -> ex -> {
                UPSTREAM_HEADERS.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                FakeUpstream.sse(Wire.chatStream("up-stream"), 0).write(ex);
            };
            default -> FakeUpstream.json(200, Wire.chatCompletion(s.model(), "ok"), UPSTREAM_HEADERS);
        });
        String yaml = """
                api-keys: ["%1$s"]
                passthrough-headers: %3$s
                openai-compatibility:
                  - name: fake
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: k}]
                    models: [{name: up-chat, alias: chat}, {name: up-limited, alias: limited},
                             {name: up-stream, alias: streamed}]
                """;
        on = new GatewayHarness(Yaml.tree(yaml.formatted(CLIENT_KEY, upstream.baseUrl(), "true")),
                CooldownStore.none());
        off = new GatewayHarness(Yaml.tree(yaml.formatted(CLIENT_KEY, upstream.baseUrl(), "false")),
                CooldownStore.none());
    }

    @AfterAll
    static void stop() throws Exception {
        on.close();
        off.close();
        upstream.close();
    }

    private static void assertForwarded(HttpResponse<String> r) {
        assertEquals("99", r.headers().firstValue("x-ratelimit-remaining-requests").orElse(null),
                r.headers().toString());
        assertEquals("12", r.headers().firstValue("openai-processing-ms").orElse(null));
        for (String dropped : new String[] {"set-cookie", "cf-ray", "strict-transport-security"}) {
            assertTrue(r.headers().firstValue(dropped).isEmpty(), dropped + " must not reach the client");
        }
        assertTrue(r.headers().firstValue("x-spacegate-overhead-ms").isPresent(), "Spacegate's own headers stay");
    }

    @Test
    void answersStreamsAndErrorsCarryTheUpstreamsHeaders() throws Exception {
        HttpResponse<String> answer = on.postWithKey("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[]}");
        assertEquals(200, answer.statusCode(), answer.body());
        assertForwarded(answer);
        assertEquals("application/json", answer.headers().firstValue("content-type").orElse(""));

        HttpResponse<String> stream = on.postWithKey("/v1/chat/completions",
                "{\"model\":\"streamed\",\"stream\":true,\"messages\":[]}");
        assertEquals(200, stream.statusCode());
        assertTrue(stream.body().contains("data: [DONE]"), stream.body());
        assertForwarded(stream);

        HttpResponse<String> limited = on.postWithKey("/v1/chat/completions",
                "{\"model\":\"limited\",\"messages\":[]}");
        assertEquals(429, limited.statusCode());
        assertForwarded(limited);
    }

    @Test
    void offByDefault() throws Exception {
        HttpResponse<String> r = off.postWithKey("/v1/chat/completions", "{\"model\":\"chat\",\"messages\":[]}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("x-ratelimit-remaining-requests").isEmpty());
    }
}
