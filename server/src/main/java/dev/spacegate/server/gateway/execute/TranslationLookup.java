package dev.spacegate.server.gateway.execute;

import java.util.Optional;

import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.Translation;

/** Finds a translation between a client format and an upstream format ({@code Translators::find} by default). */
@FunctionalInterface
public interface TranslationLookup {
    Optional<Translation> find(ApiFormat client, ApiFormat upstream);

    /** No translations: requests whose format differs from the upstream's get a 400 (tests, or to turn translation off). */
    static TranslationLookup none() {
        return (c, u) -> Optional.empty();
    }
}
