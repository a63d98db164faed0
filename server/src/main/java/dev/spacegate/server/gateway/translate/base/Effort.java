package dev.spacegate.server.gateway.translate.base;



import dev.spacegate.server.gateway.translate.neutral.UpstreamError;

import dev.spacegate.server.gateway.translate.neutral.Reasoning;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reasoning effort: the level <-> budget map, the {@code model(high)} / {@code model(16384)} suffix and
 * clamping to a {@link ThinkingCapability}. The result names both a level and a budget so each writer takes
 * what its format speaks.
 *
 * @param level  {@code none, auto, minimal, low, medium, high, xhigh, max}
 * @param budget tokens; 0 = off, -1 = dynamic
 */
public record Effort(String level, int budget) {
    /** Levels in rising order, with the budget each stands for. */
    public static final List<String> LEVELS = List.of("none", "auto", "minimal", "low", "medium", "high", "xhigh",
            "max");
    private static final int[] BUDGETS = {0, -1, 512, 1024, 8192, 24576, 32768, 128000};
    private static final Pattern SUFFIX = Pattern.compile("^(.+)\\(([A-Za-z]+|-?\\d+)\\)$");

    /** A model name without its reasoning suffix, and the reasoning the suffix asks for (or null). */
    public record ModelName(String base, Reasoning reasoning) {
    }

    /** Splits {@code gpt-5(high)} into {@code gpt-5} and level high; names without a suffix pass unchanged. */
    public static ModelName parseModel(String model) {
        if (model == null) {
            return new ModelName(null, null);
        }
        Matcher m = SUFFIX.matcher(model.strip());
        if (!m.matches()) {
            return new ModelName(model, null);
        }
        String arg = m.group(2);
        if (Character.isDigit(arg.charAt(arg.length() - 1))) {
            return new ModelName(m.group(1), Reasoning.budget(Integer.parseInt(arg)));
        }
        return new ModelName(m.group(1), Reasoning.level(arg.toLowerCase(Locale.ROOT)));
    }

    public static int budgetFor(String level) {
        int i = LEVELS.indexOf(level);
        if (i < 0) {
            throw new TranslationException(UpstreamError.badRequest("unknown reasoning effort '" + level
                    + "'; use one of " + String.join(", ", LEVELS) + " or a token budget"));
        }
        return BUDGETS[i];
    }

    /** Budget -> level by thresholds: <=512 minimal, <=1024 low, <=8192 medium, <=24576 high, else xhigh. */
    public static String levelFor(int budget) {
        if (budget == 0) {
            return "none";
        }
        if (budget < 0) {
            return "auto";
        }
        if (budget <= 512) {
            return "minimal";
        }
        if (budget <= 1024) {
            return "low";
        }
        if (budget <= 8192) {
            return "medium";
        }
        return budget <= 24576 ? "high" : "xhigh";
    }

    /**
     * Clamps requested reasoning to what the model can do.
     *
     * @return the effort to send, or null when nothing should be sent (no request, or a model without reasoning)
     * @throws TranslationException (400) for an unknown level or a level the model does not offer
     */
    public static Effort resolve(Reasoning requested, ThinkingCapability cap) {
        if (requested == null) {
            return null;
        }
        if (requested.level() != null) {
            budgetFor(requested.level()); // validates the name
        }
        if (cap == null) {
            return requested.level() != null
                    ? new Effort(requested.level(), budgetFor(requested.level()))
                    : new Effort(levelFor(requested.budget()), requested.budget());
        }
        if (!cap.supported()) {
            return null;
        }
        if (!cap.levels().isEmpty()) {
            return clampLevel(requested, cap);
        }
        int budget = requested.budget() != null ? requested.budget() : budgetFor(requested.level());
        if (budget == 0) {
            budget = cap.zeroAllowed() ? 0 : cap.min();
        } else if (budget < 0) {
            budget = cap.dynamicAllowed() ? -1 : (cap.min() + cap.max()) / 2;
        } else {
            budget = Math.max(cap.min(), Math.min(cap.max(), budget));
        }
        return new Effort(levelFor(budget), budget);
    }

    private static Effort clampLevel(Reasoning requested, ThinkingCapability cap) {
        List<String> offered = cap.levels();
        boolean explicit = requested.level() != null;
        String level = explicit ? requested.level() : levelFor(requested.budget());
        if (level.equals("none") && !offered.contains("none")) {
            if (cap.zeroAllowed()) {
                return new Effort("none", 0);
            }
            level = offered.getFirst();
        } else if (level.equals("auto") && !offered.contains("auto")) {
            level = offered.get((offered.size() - 1) / 2);
        } else if (!offered.contains(level)) {
            if (explicit) {
                throw new TranslationException(UpstreamError.badRequest("reasoning effort '" + level
                        + "' is not supported by this model; supported: " + String.join(", ", offered)));
            }
            level = nearest(level, offered);
        }
        return new Effort(level, budgetFor(level));
    }

    private static String nearest(String level, List<String> offered) {
        int want = LEVELS.indexOf(level);
        String best = offered.getFirst();
        int bestDistance = Integer.MAX_VALUE;
        for (String o : offered) {
            int d = Math.abs(LEVELS.indexOf(o) - want);
            if (d < bestDistance) {
                best = o;
                bestDistance = d;
            }
        }
        return best;
    }

    /** OpenAI / Codex {@code reasoning_effort}: no {@code auto} or {@code max} there. */
    public String openAiLevel() {
        return switch (level) {
            case "auto" -> "medium";
            case "max" -> "xhigh";
            default -> level;
        };
    }

    /** Claude {@code output_config.effort}: minimal->low, auto->high, xhigh->max. */
    public String claudeLevel() {
        return switch (level) {
            case "minimal", "none" -> "low";
            case "auto" -> "high";
            case "xhigh" -> "max";
            default -> level;
        };
    }
}
