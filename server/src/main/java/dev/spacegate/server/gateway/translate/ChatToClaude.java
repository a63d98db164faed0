package dev.spacegate.server.gateway.translate;

/** OpenAI Chat Completions clients on Anthropic Messages upstreams. */
public final class ChatToClaude extends CodecTranslation {
    public ChatToClaude() {
        super(ApiFormat.OPENAI_CHAT, ApiFormat.CLAUDE);
    }
}
