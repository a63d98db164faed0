package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Gemini generateContent clients on OpenAI Responses upstreams. */
public final class GeminiToResponses extends CodecTranslation {
    public GeminiToResponses() {
        super(ApiFormat.GEMINI, ApiFormat.OPENAI_RESPONSES);
    }
}
