package dev.spacegate.server.providers;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What a client asked for, as data: the client's wire format, the usage {@code endpoint} name and the upstream
 * path for a same-format credential.
 */
public enum Operation {
    CHAT(ApiFormat.OPENAI_CHAT, "POST /v1/chat/completions", "/chat/completions", true),
    COMPLETIONS(ApiFormat.OPENAI_CHAT, "POST /v1/completions", "/completions", false),
    EMBEDDINGS(ApiFormat.OPENAI_CHAT, "POST /v1/embeddings", "/embeddings", false),
    RESPONSES(ApiFormat.OPENAI_RESPONSES, "POST /v1/responses", "/responses", true),
    CODEX_RESPONSES(ApiFormat.OPENAI_RESPONSES, "POST /backend-api/codex/responses", "/responses", true),
    MESSAGES(ApiFormat.CLAUDE, "POST /v1/messages", "/v1/messages", true),
    COUNT_TOKENS(ApiFormat.CLAUDE, "POST /v1/messages/count_tokens", "/v1/messages/count_tokens", true),
    GEMINI_GENERATE(ApiFormat.GEMINI, "POST /v1beta/models/*action", ":generateContent", true),
    GEMINI_STREAM(ApiFormat.GEMINI, "POST /v1beta/models/*action", ":streamGenerateContent", true),
    GEMINI_COUNT(ApiFormat.GEMINI, "POST /v1beta/models/*action", ":countTokens", true);

    private final ApiFormat format;
    private final String endpoint;
    private final String upstreamPath;
    private final boolean translatable;

    Operation(ApiFormat format, String endpoint, String upstreamPath, boolean translatable) {
        this.format = format;
        this.endpoint = endpoint;
        this.upstreamPath = upstreamPath;
        this.translatable = translatable;
    }

    /** The client's wire format. */
    public ApiFormat format() {
        return format;
    }

    /** The {@code endpoint} field of usage records (method + route as CLIProxyAPI names it). */
    public String endpoint() {
        return endpoint;
    }

    /**
     * The client path the gateway serves this operation on; the Gemini actions share
     * {@code /v1beta/models/{model}} ({@code {model}} is {@code name:action}).
     */
    public String path() {
        return modelInPath() ? "/v1beta/models/{model}" : endpoint.substring(endpoint.indexOf(' ') + 1);
    }

    /** Whether a GET upgrade on {@link #path()} is this operation over WebSocket (the Responses socket). */
    public boolean webSocket() {
        return format == ApiFormat.OPENAI_RESPONSES;
    }

    /** Whether a translator may serve this operation from an upstream of another format. */
    public boolean translatable() {
        return translatable;
    }

    /** Whether this is a token-count call (answered by the upstream's counter, or estimated locally). */
    public boolean countsTokens() {
        return this == COUNT_TOKENS || this == GEMINI_COUNT;
    }

    /** Whether the model travels in the URL (Gemini) rather than in the body. */
    public boolean modelInPath() {
        return format == ApiFormat.GEMINI;
    }

    /** Whether an operation always streams (as opposed to the body's {@code stream} flag). */
    public boolean alwaysStreams() {
        return this == GEMINI_STREAM;
    }

    /** The upstream URL at {@code base} for {@code upstreamModel}; {@code alt} is Gemini's stream encoding. */
    public String upstreamUrl(String base, String upstreamModel, String alt) {
        if (format == ApiFormat.GEMINI) {
            String url = base + "/v1beta/models/" + URLEncoder.encode(upstreamModel, StandardCharsets.UTF_8)
                    .replace("+", "%20") + upstreamPath;
            return this == GEMINI_STREAM ? url + "?alt=" + (alt == null ? "sse" : alt) : url;
        }
        return base + upstreamPath;
    }
}
