package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

/** OpenAI Chat Completions clients on OpenAI Responses upstreams. */
public final class ChatToResponses extends CodecTranslation {
    public ChatToResponses() {
        super(ApiFormat.OPENAI_CHAT, ApiFormat.OPENAI_RESPONSES);
    }
}
