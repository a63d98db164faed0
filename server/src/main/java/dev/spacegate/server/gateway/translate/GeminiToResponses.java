package dev.spacegate.server.gateway.translate;

/** Gemini generateContent clients on OpenAI Responses upstreams. */
public final class GeminiToResponses extends CodecTranslation {
    public GeminiToResponses() {
        super(ApiFormat.GEMINI, ApiFormat.OPENAI_RESPONSES);
    }
}
