package dev.spacegate.server.providers;

import java.util.ArrayList;
import java.util.List;

/**
 * One API-key list of CLIProxyAPI's config as its management API serves it ({@code /v0/management/<section>}):
 * the kinds Spacegate calls, and the lists it only answers {@code not_supported} (an external CLIProxyAPI in the
 * {@code cpa-manager} profiles serves those).
 *
 * @param provider the {@code provider} of its credentials in usage records; null: each entry's {@code name}
 * @param kind     the kind Spacegate calls, or null for a list it does not serve itself
 */
public record KeyList(String section, String label, String provider, ProviderKind kind) {

    /** CLIProxyAPI's lists Spacegate does not call. */
    public static final List<KeyList> UNCALLED = List.of(uncalled("xai-api-key", "xAI"),
            uncalled("vertex-api-key", "Vertex"));

    /** Every list: one per {@link ProviderKind}, then {@link #UNCALLED}. */
    public static List<KeyList> all() {
        List<KeyList> out = new ArrayList<>();
        for (ProviderKind k : ProviderKind.values()) {
            out.add(new KeyList(k.section(), k.label(), k.provider(), k));
        }
        out.addAll(UNCALLED);
        return List.copyOf(out);
    }

    private static KeyList uncalled(String section, String label) {
        return new KeyList(section, label, providerOf(section), null);
    }

    /**
     * The {@code provider} of a list's credentials: the word before {@code -api-key} ({@code gemini-api-key ->
     * gemini}); null for {@code openai-compatibility}, whose entries each have a name.
     */
    static String providerOf(String section) {
        return section.endsWith("-api-key") ? section.substring(0, section.length() - "-api-key".length()) : null;
    }

    /** The management path of the list. */
    public String path() {
        return "/v0/management/" + section;
    }
}
