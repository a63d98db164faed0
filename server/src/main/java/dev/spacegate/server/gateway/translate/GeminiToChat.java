package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Gemini generateContent clients on OpenAI Chat Completions upstreams. */
public final class GeminiToChat extends CodecTranslation {
    public GeminiToChat() {
        super(ApiFormat.GEMINI, ApiFormat.OPENAI_CHAT);
    }
}
