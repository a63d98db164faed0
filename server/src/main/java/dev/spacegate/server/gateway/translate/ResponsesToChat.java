package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Responses clients on OpenAI Chat Completions upstreams. */
public final class ResponsesToChat extends CodecTranslation {
    public ResponsesToChat() {
        super(ApiFormat.OPENAI_RESPONSES, ApiFormat.OPENAI_CHAT);
    }
}
