package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Anthropic Messages clients on OpenAI Chat Completions upstreams. */
public final class ClaudeToChat extends CodecTranslation {
    public ClaudeToChat() {
        super(ApiFormat.CLAUDE, ApiFormat.OPENAI_CHAT);
    }
}
