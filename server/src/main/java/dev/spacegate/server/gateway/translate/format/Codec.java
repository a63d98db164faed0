package dev.spacegate.server.gateway.translate.format;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.base.ThinkingCapability;
import dev.spacegate.server.gateway.translate.base.TranslateContext;
import dev.spacegate.server.gateway.translate.neutral.BlockSink;
import dev.spacegate.server.gateway.translate.neutral.Conversation;
import dev.spacegate.server.gateway.translate.neutral.Reply;

import java.util.List;

/**
 * One wire format's readers and writers over the neutral model. A translation from format A to B is
 * {@code B.writeRequest(A.readRequest(body))} up and {@code A.writeResponse(B.readResponse(body))} down.
 */
public interface Codec {
    ApiFormat format();

    Conversation readRequest(ObjectNode body, TranslateContext ctx);

    ObjectNode writeRequest(Conversation conversation, TranslateContext ctx);

    Reply readResponse(ObjectNode body, TranslateContext ctx);

    ObjectNode writeResponse(Reply reply, TranslateContext ctx);

    /** Reads this format's stream (when it is the upstream). */
    StreamDecoder decoder(TranslateContext ctx);

    /** Writes this format's stream (when it is the client) into {@code out}. */
    BlockSink encoder(TranslateContext ctx, List<dev.spacegate.server.gateway.translate.base.SseEvent> out);

    /** The codec of a format. */
    static Codec of(ApiFormat format) {
        return switch (format) {
            case OPENAI_CHAT -> ChatCodec.INSTANCE;
            case OPENAI_RESPONSES -> ResponsesCodec.INSTANCE;
            case CLAUDE -> ClaudeCodec.INSTANCE;
            case GEMINI -> GeminiCodec.INSTANCE;
        };
    }

    /**
     * Writes an effort into a request body of {@code format} as it is, replacing what the body asked for: a
     * {@code model(high)} suffix on same-format traffic.
     */
    static void writeEffort(ApiFormat format, ObjectNode body, Effort effort, ThinkingCapability cap) {
        if (effort == null) {
            return;
        }
        switch (format) {
            case OPENAI_CHAT -> body.put("reasoning_effort", effort.openAiLevel());
            case OPENAI_RESPONSES -> body.withObject("/reasoning").put("effort", effort.openAiLevel());
            case CLAUDE -> ClaudeCodec.writeEffort(body, effort, cap);
            case GEMINI -> GeminiCodec.writeEffort(body, effort, cap);
        }
    }

    /** The output limit, temperature, top-p and stop sequences, under this format's names (where set). */
    static void writeSampling(Conversation c, ObjectNode target, String maxTokens, String topP, String stop) {
        if (c.maxTokens != null) {
            target.put(maxTokens, c.maxTokens);
        }
        if (c.temperature != null) {
            target.put("temperature", c.temperature);
        }
        if (c.topP != null) {
            target.put(topP, c.topP);
        }
        if (!c.stop.isEmpty()) {
            ArrayNode list = target.putArray(stop);
            c.stop.forEach(list::add);
        }
    }

    /** The reasoning to send: the model-suffix override wins over the body, then clamped to the model. */
    static Effort effort(Conversation c, TranslateContext ctx) {
        return Effort.resolve(ctx.reasoning() != null ? ctx.reasoning() : c.reasoning, ctx.thinking());
    }
}
