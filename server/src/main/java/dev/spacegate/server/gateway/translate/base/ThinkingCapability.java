package dev.spacegate.server.gateway.translate.base;

import java.util.List;

/**
 * What reasoning the target model accepts; requested reasoning is clamped to it.
 *
 * @param supported      false for models without reasoning (any request for it is dropped)
 * @param min            smallest budget (tokens)
 * @param max            largest budget (tokens)
 * @param zeroAllowed    whether reasoning can be switched off
 * @param dynamicAllowed whether the model may choose its own budget (-1 / auto)
 * @param levels         the effort levels a level-based model accepts; empty for budget-based models
 * @param adaptive       Claude models that take {@code thinking: adaptive} plus an effort
 */
public record ThinkingCapability(boolean supported, int min, int max, boolean zeroAllowed, boolean dynamicAllowed,
                                 List<String> levels, boolean adaptive) {
    public ThinkingCapability {
        levels = List.copyOf(levels);
    }

    /** A model without reasoning. */
    public static final ThinkingCapability NONE = new ThinkingCapability(false, 0, 0, false, false, List.of(), false);

    /** A budget-based model (Claude, Gemini 2.5). */
    public static ThinkingCapability budget(int min, int max, boolean zeroAllowed, boolean dynamicAllowed) {
        return new ThinkingCapability(true, min, max, zeroAllowed, dynamicAllowed, List.of(), false);
    }

    /** A level-based model (OpenAI, Codex, Gemini 3). */
    public static ThinkingCapability levels(List<String> levels, boolean zeroAllowed) {
        return new ThinkingCapability(true, 0, 128000, zeroAllowed, false, levels, false);
    }
}
