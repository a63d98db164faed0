package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Gemini generateContent clients on Anthropic Messages upstreams. */
public final class GeminiToClaude extends CodecTranslation {
    public GeminiToClaude() {
        super(ApiFormat.GEMINI, ApiFormat.CLAUDE);
    }
}
