package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.neutral.Json;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.neutral.Conversation;

import java.util.Optional;

/**
 * Token-count requests and answers where the target can count (Claude count_tokens and Gemini countTokens),
 * and a local estimate where it cannot.
 */
public final class TokenCount {
    private TokenCount() {
    }

    static Optional<ObjectNode> request(Conversation c, ApiFormat upstream, TranslateContext ctx) {
        TranslateContext plain = new TranslateContext(ctx.clientModel(), ctx.upstreamModel(), false, ctx.reasoning(),
                ctx.thinking(), false, ctx.requestId(), ctx.created(), ctx.toolNames());
        c.maxTokens = null;
        c.temperature = null;
        c.topP = null;
        c.stop.clear();
        return switch (upstream) {
            case CLAUDE -> {
                ObjectNode body = Codec.of(ApiFormat.CLAUDE).writeRequest(c, plain);
                body.remove("max_tokens");
                body.remove("metadata");
                yield Optional.of(body);
            }
            case GEMINI -> {
                ObjectNode inner = Codec.of(ApiFormat.GEMINI).writeRequest(c, plain);
                inner.remove("generationConfig");
                inner.put("model", "models/" + ctx.upstreamModel());
                ObjectNode body = Json.object();
                body.set("generateContentRequest", inner);
                yield Optional.of(body);
            }
            case OPENAI_CHAT, OPENAI_RESPONSES -> Optional.empty();
        };
    }

    static ObjectNode response(ObjectNode upstreamBody, ApiFormat upstream, ApiFormat client) {
        JsonNode n = upstream == ApiFormat.GEMINI ? upstreamBody.get("totalTokens") : upstreamBody.get("input_tokens");
        return render(client, n == null ? 0 : n.asLong());
    }

    /**
     * A local estimate in the client's shape, for upstreams without a counter: about four bytes of the
     * request's JSON per token, the usual rule of thumb for English text and code.
     */
    public static ObjectNode estimate(ApiFormat client, byte[] requestBody) {
        return render(client, Math.max(1, (requestBody.length + 3) / 4));
    }

    /** A count in the client's shape (Claude input_tokens, Gemini totalTokens, Responses input_tokens object). */
    static ObjectNode render(ApiFormat client, long tokens) {
        return switch (client) {
            case CLAUDE -> Json.object().put("input_tokens", tokens);
            case GEMINI -> Json.object().put("totalTokens", tokens);
            case OPENAI_CHAT, OPENAI_RESPONSES -> Json.object().put("object", "response.input_tokens")
                    .put("input_tokens", tokens);
        };
    }
}
