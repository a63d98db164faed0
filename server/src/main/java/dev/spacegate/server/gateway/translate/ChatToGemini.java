package dev.spacegate.server.gateway.translate;

/** OpenAI Chat Completions clients on Gemini generateContent upstreams. */
public final class ChatToGemini extends CodecTranslation {
    public ChatToGemini() {
        super(ApiFormat.OPENAI_CHAT, ApiFormat.GEMINI);
    }
}
