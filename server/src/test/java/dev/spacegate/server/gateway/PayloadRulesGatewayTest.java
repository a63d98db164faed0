package dev.spacegate.server.gateway;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.FakeUpstream;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Wire;
import dev.spacegate.server.gateway.support.Yaml;

import static dev.spacegate.server.gateway.support.GatewayHarness.CLIENT_KEY;
import static dev.spacegate.server.gateway.support.GatewayHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** payload rules over real sockets: what the upstream receives with and without a selecting rule. */
class PayloadRulesGatewayTest {
    static FakeUpstream upstream;
    static GatewayHarness h;

    @BeforeAll
    static void start() throws Exception {
        upstream = new FakeUpstream();
        upstream.script(s -> FakeUpstream.json(200, Wire.chatCompletion(s.model(), "ok")));
        h = new GatewayHarness(Yaml.tree("""
                api-keys: ["%1$s"]
                openai-compatibility:
                  - name: fake
                    base-url: %2$s/v1
                    api-key-entries: [{api-key: k}]
                    models: [{name: up-tuned, alias: tuned}, {name: up-plain, alias: plain}]
                payload:
                  default:
                    - models: [{name: tuned, protocol: openai}]
                      params: {"temperature": 0.1}
                  override:
                    - models: [{name: tuned, headers: {X-Team: "research-*"}}]
                      params: {"user": "research"}
                  filter:
                    - models: [{name: "up-tuned"}]
                      params: ["service_tier"]
                """.formatted(CLIENT_KEY, upstream.baseUrl())), CooldownStore.none());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        upstream.close();
    }

    private static JsonNode lastBodyFor(String upstreamModel) throws Exception {
        var seen = upstream.seenFor(upstreamModel);
        return json(seen.get(seen.size() - 1).body());
    }

    @Test
    void aSelectedRequestIsChangedOnTheWayUp() throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", """
                {"model":"tuned","messages":[{"role":"user","content":"hi"}],"service_tier":"flex"}""",
                Map.of("Authorization", "Bearer " + CLIENT_KEY, "X-Team", "research-nlp"));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode up = lastBodyFor("up-tuned");
        assertEquals("up-tuned", up.path("model").asText());
        assertEquals(0.1, up.path("temperature").asDouble(), up.toString());
        assertEquals("research", up.path("user").asText());
        assertTrue(up.path("service_tier").isMissingNode(), "filtered by the upstream model name: " + up);
        assertEquals("hi", up.at("/messages/0/content").asText());
    }

    @Test
    void conditionsThatDoNotHoldLeaveTheParameter() throws Exception {
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions",
                "{\"model\":\"tuned\",\"messages\":[],\"temperature\":0.9}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode up = lastBodyFor("up-tuned");
        assertEquals(0.9, up.path("temperature").asDouble(), "a default never replaces the client's value");
        assertTrue(up.path("user").isMissingNode(), "no X-Team header: the override does not apply");
    }

    @Test
    void anUnselectedRequestPassesThroughByteForByte() throws Exception {
        String body = "{\"model\":\"plain\",  \"messages\":[] ,\"service_tier\":\"flex\"}";
        HttpResponse<String> r = h.postWithKey("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        String sent = upstream.seenFor("up-plain").get(0).body();
        assertEquals(body.replace("\"plain\"", "\"up-plain\""), sent, "only the model name changed");
    }
}
