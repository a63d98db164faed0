package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Responses clients on Gemini generateContent upstreams. */
public final class ResponsesToGemini extends CodecTranslation {
    public ResponsesToGemini() {
        super(ApiFormat.OPENAI_RESPONSES, ApiFormat.GEMINI);
    }
}
