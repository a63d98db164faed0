package dev.spacegate.server.gateway.translate;

/** OpenAI Responses clients on Gemini generateContent upstreams. */
public final class ResponsesToGemini extends CodecTranslation {
    public ResponsesToGemini() {
        super(ApiFormat.OPENAI_RESPONSES, ApiFormat.GEMINI);
    }
}
