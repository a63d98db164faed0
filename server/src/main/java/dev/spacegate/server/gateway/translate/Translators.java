package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.providers.ApiFormat;

import java.util.List;
import java.util.Optional;

/**
 * The translation table: one entry per ordered pair of different formats. Same-format traffic is passed
 * through by the gateway and has no entry. The docs matrix (docs/translation.md) is checked against it.
 */
public final class Translators {
    private static final List<Translation> TABLE = List.of(
            new ChatToResponses(), new ChatToClaude(), new ChatToGemini(),
            new ResponsesToChat(), new ResponsesToClaude(), new ResponsesToGemini(),
            new ClaudeToChat(), new ClaudeToResponses(), new ClaudeToGemini(),
            new GeminiToChat(), new GeminiToResponses(), new GeminiToClaude());

    private Translators() {
    }

    /** The translation for a client format on an upstream format; empty for same-format pairs. */
    public static Optional<Translation> find(ApiFormat client, ApiFormat upstream) {
        for (Translation t : TABLE) {
            if (t.client() == client && t.upstream() == upstream) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Every entry, in table order. */
    public static List<Translation> all() {
        return TABLE;
    }

    /** The documentation page section generated from the table: the matrix and each pair's losses. */
    public static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| client \\ upstream |");
        for (ApiFormat u : ApiFormat.values()) {
            sb.append(' ').append(label(u)).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---|".repeat(ApiFormat.values().length));
        sb.append('\n');
        for (ApiFormat c : ApiFormat.values()) {
            sb.append("| ").append(label(c)).append(" |");
            for (ApiFormat u : ApiFormat.values()) {
                sb.append(c == u ? " passthrough |" : find(c, u).map(t -> " `" + t.getClass().getSimpleName()
                        + "` |").orElse(" - |"));
            }
            sb.append('\n');
        }
        for (Translation t : TABLE) {
            sb.append("\n### ").append(label(t.client())).append(" -> ").append(label(t.upstream()))
                    .append(" (`").append(t.getClass().getSimpleName()).append("`)\n\n");
            for (String loss : t.lossy()) {
                sb.append("- ").append(loss).append('\n');
            }
        }
        return sb.toString();
    }

    static String label(ApiFormat f) {
        return switch (f) {
            case OPENAI_CHAT -> "Chat Completions";
            case OPENAI_RESPONSES -> "Responses / Codex";
            case CLAUDE -> "Claude Messages";
            case GEMINI -> "Gemini";
        };
    }
}
