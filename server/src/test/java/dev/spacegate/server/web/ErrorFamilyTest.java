package dev.spacegate.server.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.providers.ApiFormat;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one client-error model: each family's envelope, as clients of that API read it. */
class ErrorFamilyTest {

    private static String body(ErrorFamily family, ClientError e) {
        return new String(family.bytes(e), StandardCharsets.UTF_8);
    }

    @Test
    void eachFamilyWritesItsOwnEnvelope() {
        ClientError e = ClientError.of(401, "invalid_api_key", "fake-key-not-secret is not a client key");
        Map<ErrorFamily, String> expected = Map.of(
                ErrorFamily.OPENAI, "{'error':{'message':'fake-key-not-secret is not a client key',"
                        + "'type':'authentication_error','param':null,'code':'invalid_api_key'}}",
                ErrorFamily.CLAUDE, "{'type':'error','error':{'type':'authentication_error',"
                        + "'message':'fake-key-not-secret is not a client key'}}",
                ErrorFamily.GEMINI, "{'error':{'code':401,'message':'fake-key-not-secret is not a client key',"
                        + "'status':'UNAUTHENTICATED'}}",
                ErrorFamily.MANAGEMENT, "{'error':'fake-key-not-secret is not a client key','code':'invalid_api_key'}");
        for (ErrorFamily family : ErrorFamily.values()) {
            assertEquals(expected.get(family).replace('\'', '"'), body(family, e), family.name());
        }
    }

    @Test
    void theTypeComesFromTheStatusUnlessTheErrorNamesOne() {
        assertEquals("request_too_large", ErrorFamily.CLAUDE.body(ClientError.of(413, "request_too_large", "big"))
                .path("error").path("type").asText());
        assertEquals("invalid_request_error", ErrorFamily.OPENAI.body(ClientError.of(413, "request_too_large", "big"))
                .path("error").path("type").asText());
        assertEquals("server_error", ErrorFamily.OPENAI.body(ClientError.of(502, "upstream_error", "down"))
                .path("error").path("type").asText());
        assertEquals("overloaded_error", ErrorFamily.OPENAI.body(ClientError.typed(529, "overloaded_error", null,
                "busy")).path("error").path("type").asText());
        // Gemini's status always follows the HTTP status, one table for every path
        assertEquals("INTERNAL", ErrorFamily.GEMINI.body(ClientError.typed(502, "api_error", null, "down"))
                .path("error").path("status").asText());
        assertEquals("DEADLINE_EXCEEDED", ErrorFamily.GEMINI.body(ClientError.of(504, null, "slow"))
                .path("error").path("status").asText());
        assertEquals("INVALID_ARGUMENT", ErrorFamily.GEMINI.body(ClientError.of(405, null, "no"))
                .path("error").path("status").asText());
    }

    @Test
    void extraFieldsGoWhereTheEnvelopeHasRoomForThem() {
        ClientError e = ClientError.of(502, "upstream_unreachable", "the gateway upstream could not be reached")
                .with("owner", "gateway");
        assertEquals("gateway", ErrorFamily.OPENAI.body(e).path("error").path("owner").asText());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"the gateway upstream could not be reached\"}}", body(ErrorFamily.CLAUDE, e));
        // CLIProxyAPI's management shape: no code, the explanation beside the error
        assertEquals("{\"error\":\"unknown_keys\",\"message\":\"fake\",\"keys\":[\"a\",\"b\"]}",
                body(ErrorFamily.MANAGEMENT, ClientError.of(422, null, "unknown_keys").with("message", "fake")
                        .with("keys", List.of("a", "b"))));
    }

    @Test
    void aStreamEndsWithTheFormatsErrorEventWithOrWithoutATranslator() {
        ClientError own = ClientError.of(502, "upstream_error", "upstream stream ended unexpectedly");
        assertEquals("data: {\"error\":{\"message\":\"upstream stream ended unexpectedly\",\"type\":\"server_error\","
                + "\"param\":null,\"code\":\"upstream_error\"}}\n\n", event(ApiFormat.OPENAI_CHAT, own));
        assertEquals("event: error\ndata: {\"type\":\"error\",\"code\":\"upstream_error\","
                + "\"message\":\"upstream stream ended unexpectedly\",\"param\":null}\n\n",
                event(ApiFormat.OPENAI_RESPONSES, own));
        assertEquals("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream stream ended unexpectedly\"}}\n\n", event(ApiFormat.CLAUDE, own));
        assertEquals("data: {\"error\":{\"code\":502,\"message\":\"upstream stream ended unexpectedly\","
                + "\"status\":\"INTERNAL\"}}\n\n", event(ApiFormat.GEMINI, own));
        // an upstream's error read by a translator keeps its neutral type; Responses carries it as the code
        UpstreamError upstream = new UpstreamError(429, "rate_limit_error", "slow down");
        assertEquals("event: error\ndata: {\"type\":\"error\",\"code\":\"rate_limit_error\",\"message\":\"slow down\","
                + "\"param\":null}\n\n", new String(SseFramer.format(Errors.streamEvent(ApiFormat.OPENAI_RESPONSES,
                upstream)), StandardCharsets.UTF_8));
    }

    private static String event(ApiFormat format, ClientError e) {
        return new String(SseFramer.format(Errors.streamEvent(format, e)), StandardCharsets.UTF_8);
    }
}
