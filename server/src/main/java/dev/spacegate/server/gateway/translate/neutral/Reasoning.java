package dev.spacegate.server.gateway.translate.neutral;

/**
 * Requested reasoning as the client expressed it: a level ({@code none, auto, minimal, low, medium, high,
 * xhigh, max}) or a token budget, plus whether the client wants reasoning text back.
 *
 * @param level          effort level, or null when the client gave a budget
 * @param budget         token budget (-1 = dynamic, 0 = off), or null when the client gave a level
 * @param includeThoughts whether reasoning text should be returned (Responses summary, Gemini includeThoughts)
 */
public record Reasoning(String level, Integer budget, boolean includeThoughts) {
    public static Reasoning level(String level) {
        return new Reasoning(level, null, true);
    }

    public static Reasoning budget(int budget) {
        return new Reasoning(null, budget, true);
    }
}
