package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Chat Completions clients on Anthropic Messages upstreams. */
public final class ChatToClaude extends CodecTranslation {
    public ChatToClaude() {
        super(ApiFormat.OPENAI_CHAT, ApiFormat.CLAUDE);
    }
}
