package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.outbound.ProxyDaemons;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Providers whose {@code proxy-url} is a real SOCKS5 (Dante) or HTTP (tinyproxy) proxy with credentials. */
class UpstreamProxyTest {
    @TempDir
    static Path dir;
    static FakeUpstream upstream;
    static GatewayHarness h;
    static ProxyDaemons.Daemon socks;
    static ProxyDaemons.Daemon http;

    @BeforeAll
    static void start() throws Exception {
        socks = ProxyDaemons.dante(dir, true);
        http = ProxyDaemons.tinyproxy(dir);
        upstream = new FakeUpstream();
        upstream.script(seen -> seen.model().equals("up-stream")
                ? FakeUpstream.sse(List.of("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n",
                        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
                                + "\"total_tokens\":4}}\n\n", "data: [DONE]\n\n"), 5)
                : FakeUpstream.json(200, "{\"id\":\"c\",\"object\":\"chat.completion\",\"model\":\"" + seen.model()
                        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},"
                        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
                        + "\"total_tokens\":4}}"));
        String socksUrl = "socks5://" + ProxyDaemons.SOCKS_USER + ":" + ProxyDaemons.SOCKS_PASSWORD + "@127.0.0.1:"
                + socks.port();
        String httpUrl = "http://" + ProxyDaemons.HTTP_USER + ":" + ProxyDaemons.HTTP_PASSWORD + "@127.0.0.1:"
                + http.port();
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%1$s"]
                openai-compatibility:
                  - name: via-socks
                    base-url: %2$s/v1
                    proxy-url: %3$s
                    api-key-entries: [{api-key: key-via-socks}]
                    models: [{name: up-socks, alias: socks}, {name: up-stream, alias: socks-stream}]
                  - name: via-http
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: key-via-http, proxy-url: "%4$s"}]
                    models: [{name: up-http, alias: http}]
                  - name: wrong-password
                    base-url: %2$s/v1
                    proxy-url: socks5://%5$s:wrong-pass-not-secret@127.0.0.1:%6$d
                    api-key-entries: [{api-key: key-wrong}]
                    models: [{name: up-wrong, alias: wrong}]
                """.formatted(GatewayHarness.CLIENT_KEY, upstream.baseUrl(), socksUrl, httpUrl,
                ProxyDaemons.SOCKS_USER, socks.port())), CooldownStore.none());
    }

    @AfterAll
    static void stop() {
        // start() may have stopped early (a proxy daemon is not installed): close what was started
        for (AutoCloseable c : new AutoCloseable[] {h, upstream, socks, http}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing a test helper; nothing to report
                }
            }
        }
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
    }

    @Test
    void socks5AndHttpProxiesCarryProviderCalls() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", chat("socks", false));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("key-via-socks", upstream.seenFor("up-socks").get(0).key());

        HttpResponse<String> s = h.postWithKey("/v1/chat/completions", chat("socks-stream", true));
        assertEquals(200, s.statusCode(), s.body());
        assertTrue(s.body().contains("\"content\":\"hi\"") && s.body().contains("[DONE]"), s.body());

        HttpResponse<String> p = h.postWithKey("/v1/chat/completions", chat("http", false));
        assertEquals(200, p.statusCode(), p.body());
        assertEquals("key-via-http", upstream.seenFor("up-http").get(0).key());
    }

    @Test
    void aProxyThatRefusesUsIsABadGatewayWithoutItsPassword() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", chat("wrong", false));
        assertEquals(502, r.statusCode(), r.body());
        assertEquals("upstream_unreachable", GatewayHarness.json(r.body()).path("error").path("code").asText(), r.body());
        assertFalse(r.body().contains("wrong-pass-not-secret"));
        assertTrue(upstream.seenFor("up-wrong").isEmpty(), "nothing reached the upstream");
    }
}
