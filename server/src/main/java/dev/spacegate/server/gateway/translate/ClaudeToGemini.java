package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** Anthropic Messages clients on Gemini generateContent upstreams. */
public final class ClaudeToGemini extends CodecTranslation {
    public ClaudeToGemini() {
        super(ApiFormat.CLAUDE, ApiFormat.GEMINI);
    }
}
