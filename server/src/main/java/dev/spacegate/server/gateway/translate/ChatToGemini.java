package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Chat Completions clients on Gemini generateContent upstreams. */
public final class ChatToGemini extends CodecTranslation {
    public ChatToGemini() {
        super(ApiFormat.OPENAI_CHAT, ApiFormat.GEMINI);
    }
}
