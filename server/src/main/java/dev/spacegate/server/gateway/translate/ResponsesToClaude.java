package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Responses clients on Anthropic Messages upstreams. */
public final class ResponsesToClaude extends CodecTranslation {
    public ResponsesToClaude() {
        super(ApiFormat.OPENAI_RESPONSES, ApiFormat.CLAUDE);
    }
}
