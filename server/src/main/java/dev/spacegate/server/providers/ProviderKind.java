package dev.spacegate.server.providers;

/**
 * The API-key upstream kinds, as data: config section, wire format, default base URL and how the key is sent.
 */
public enum ProviderKind {
    OPENAI_COMPATIBILITY("openai-compatibility", "OpenAI compatible", ApiFormat.OPENAI_CHAT, null, KeyHeader.BEARER,
            "OpenAICompatExecutor"),
    CLAUDE_API_KEY("claude-api-key", "Claude", ApiFormat.CLAUDE, "https://api.anthropic.com", KeyHeader.ANTHROPIC,
            "ClaudeExecutor"),
    GEMINI_API_KEY("gemini-api-key", "Gemini", ApiFormat.GEMINI, "https://generativelanguage.googleapis.com",
            KeyHeader.GOOG, "GeminiExecutor"),
    CODEX_API_KEY("codex-api-key", "Codex", ApiFormat.OPENAI_RESPONSES, null, KeyHeader.BEARER, "CodexExecutor");

    /** How an upstream expects its API key. */
    public enum KeyHeader {
        BEARER,
        /** {@code x-api-key} on api.anthropic.com, Bearer on any other base URL (as CLIProxyAPI does). */
        ANTHROPIC,
        GOOG
    }

    private final String section;
    private final String label;
    private final ApiFormat format;
    private final String defaultBaseUrl;
    private final KeyHeader keyHeader;
    private final String executorType;

    ProviderKind(String section, String label, ApiFormat format, String defaultBaseUrl, KeyHeader keyHeader,
                 String executorType) {
        this.section = section;
        this.label = label;
        this.format = format;
        this.defaultBaseUrl = defaultBaseUrl;
        this.keyHeader = keyHeader;
        this.executorType = executorType;
    }

    /** The {@code provider} of its credentials in usage records; null: the entry's own {@code name}. */
    public String provider() {
        return KeyList.providerOf(section);
    }

    /** The name the panel shows. */
    public String label() {
        return label;
    }

    /** The config.yaml section name, also the seed kind of {@code auth_index}. */
    public String section() {
        return section;
    }

    public ApiFormat format() {
        return format;
    }

    /** Null when the section requires an explicit {@code base-url}. */
    public String defaultBaseUrl() {
        return defaultBaseUrl;
    }

    public KeyHeader keyHeader() {
        return keyHeader;
    }

    /** The {@code executor_type} field of usage records. */
    public String executorType() {
        return executorType;
    }

    /** Whether credentials with no configured models accept any model name (CLIProxyAPI uses its catalogue here). */
    public boolean acceptsAnyModelWhenUnlisted() {
        return this != OPENAI_COMPATIBILITY;
    }
}
