package dev.spacegate.server.gateway.execute;

import dev.spacegate.server.providers.Operation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.translate.base.Effort;
import dev.spacegate.server.gateway.translate.Translation;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.providers.ProviderKind;

/**
 * Steps "resolve" and "eligible": the candidates that serve a call's model (a {@code model(high)} suffix picks
 * reasoning, the registry knows the base name), and which of them can serve the call's format, passed through or
 * translated.
 */
final class CandidateSelection {
    /** The result: candidates to try, or why there are none. */
    sealed interface Selected {
    }

    /**
     * @param eligible   the candidates that can serve the call
     * @param translated the translation of each candidate of another format
     * @param reasoning  what a model suffix asked for, or null
     */
    record Candidates(List<Candidate> eligible, Map<Candidate, Translation> translated, Reasoning reasoning)
            implements Selected {
    }

    /** No candidate: a 400 with this code and message. */
    record NoCandidate(String code, String message) implements Selected {
    }

    private final TranslationLookup translations;

    CandidateSelection(TranslationLookup translations) {
        this.translations = translations;
    }

    Selected select(ModelRegistry registry, ClientCall call) {
        Effort.ModelName named = modelName(call.model());
        List<Candidate> all = named.reasoning() != null ? registry.resolve(named.base()) : List.of();
        if (all.isEmpty()) {
            all = registry.resolve(call.model());
        }
        if (all.isEmpty()) {
            return new NoCandidate("model_not_found", "unknown provider for model " + call.model());
        }
        List<Candidate> eligible = new ArrayList<>();
        Map<Candidate, Translation> translated = new LinkedHashMap<>();
        for (Candidate c : all) {
            ApiFormat format = c.credential().kind().format();
            Optional<Translation> t = translationFor(call.operation(), format);
            if (format == call.operation().format() && passthroughAllowed(call.operation(), c)) {
                eligible.add(c);
            } else if (t.isPresent()) {
                eligible.add(c);
                translated.put(c, t.get());
            }
        }
        if (eligible.isEmpty()) {
            // only legacy completions and embeddings get here: they exist on OpenAI-compatible upstreams alone
            ApiFormat upstream = all.get(0).credential().kind().format();
            return new NoCandidate("unsupported_translation", "model " + call.model() + " is served by a "
                    + name(upstream) + " upstream, which has no " + call.operation().endpoint() + " endpoint");
        }
        return new Candidates(eligible, translated, named.reasoning());
    }

    /** The one place that decides whether a client format can be served by an upstream of another format. */
    Optional<Translation> translationFor(Operation op, ApiFormat upstream) {
        if (!op.translatable() || upstream == op.format()) {
            return Optional.empty();
        }
        return translations.find(op.format(), upstream);
    }

    private static boolean passthroughAllowed(Operation op, Candidate c) {
        // legacy completions and embeddings exist only on OpenAI-compatible upstreams
        return (op != Operation.COMPLETIONS && op != Operation.EMBEDDINGS)
                || c.credential().kind() == ProviderKind.OPENAI_COMPATIBILITY;
    }

    private static Effort.ModelName modelName(String model) {
        try {
            return Effort.parseModel(model);
        } catch (RuntimeException e) {
            // e.g. a budget suffix too large for an int: treat the whole name as a model name
            return new Effort.ModelName(model, null);
        }
    }

    private static String name(ApiFormat f) {
        return switch (f) {
            case OPENAI_CHAT -> "OpenAI chat";
            case OPENAI_RESPONSES -> "OpenAI Responses";
            case CLAUDE -> "Claude";
            case GEMINI -> "Gemini";
        };
    }
}
