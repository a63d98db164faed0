package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Anthropic Messages clients on OpenAI Responses upstreams. */
public final class ClaudeToResponses extends CodecTranslation {
    public ClaudeToResponses() {
        super(ApiFormat.CLAUDE, ApiFormat.OPENAI_RESPONSES);
    }
}
