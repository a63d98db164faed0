package dev.spacegate.server.providers;

/** The four wire formats the gateway speaks, on the client side and on the upstream side. */
public enum ApiFormat {
    /** OpenAI Chat Completions ({@code /v1/chat/completions}). */
    OPENAI_CHAT,
    /** OpenAI Responses, including the Codex backend variant ({@code /v1/responses}). */
    OPENAI_RESPONSES,
    /** Anthropic Messages ({@code /v1/messages}). */
    CLAUDE,
    /** Google Gemini generateContent ({@code /v1beta/models/{model}:generateContent}). */
    GEMINI
}
