package dev.spacegate.server.manager.prices;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.web.Json;

/**
 * The model price table in three layers, later layers winning per model: the bundled defaults (a resource, so costs
 * work offline), prices synced from public catalogues, and the operator's own prices (PUT, "local overrides").
 */
public final class PriceTable {
    static final String SYNCED_KEY = "manager.model_prices.synced";
    static final String OVERRIDES_KEY = "manager.model_prices";
    private static final Pattern REASONING_SUFFIX = Pattern.compile(
            "\\((none|auto|-1|minimal|low|medium|high|xhigh|max|\\d+)\\)$");

    private final SettingsStore settings;
    private final Map<String, ModelPrice> bundled;

    public PriceTable(SettingsStore settings) {
        this.settings = settings;
        this.bundled = Collections.unmodifiableMap(parse(loadBundled(), "bundled"));
    }

    private static JsonNode loadBundled() {
        try (InputStream in = PriceTable.class.getResourceAsStream(
                "/dev/spacegate/server/manager/prices/default-prices.json")) {
            return Json.MAPPER.readTree(in).path("prices");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("bundled price table missing from the build");
        }
    }

    /** Parses {@code {model: price}}; the message of an error names the model and field. */
    public static Map<String, ModelPrice> parse(JsonNode prices, String defaultSource) {
        Map<String, ModelPrice> out = new TreeMap<>();
        if (!prices.isObject()) {
            throw new IllegalArgumentException("prices must be an object of model -> price");
        }
        prices.fields().forEachRemaining(e -> {
            ModelPrice p = ModelPrice.fromJson(e.getKey(), e.getValue());
            out.put(e.getKey(), p.source() == null ? p.withSource(defaultSource) : p);
        });
        return out;
    }

    /** The effective table (bundled, then synced, then overrides). */
    public Map<String, ModelPrice> effective() {
        Map<String, ModelPrice> all = new TreeMap<>(bundled);
        all.putAll(layer(SYNCED_KEY, "sync"));
        all.putAll(layer(OVERRIDES_KEY, "manual"));
        return all;
    }

    /** The operator's own prices only. */
    public Map<String, ModelPrice> overrides() {
        return layer(OVERRIDES_KEY, "manual");
    }

    private Map<String, ModelPrice> layer(String key, String source) {
        return settings.get(key).map(v -> parse(v.value().path("prices"), source)).orElse(Map.of());
    }

    /** Replaces the operator's prices. */
    public void replaceOverrides(Map<String, ModelPrice> prices) {
        write(OVERRIDES_KEY, prices, "manual");
    }

    /** Upserts synced prices (the synced layer keeps models the sync did not touch). */
    public void mergeSynced(Map<String, ModelPrice> prices) {
        Map<String, ModelPrice> all = new TreeMap<>(layer(SYNCED_KEY, "sync"));
        all.putAll(prices);
        write(SYNCED_KEY, all, "sync");
    }

    private void write(String key, Map<String, ModelPrice> prices, String source) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ObjectNode p = doc.putObject("prices");
        prices.forEach((m, price) -> p.set(m, (price.source() == null ? price.withSource(source) : price).toJson()));
        for (int attempt = 0; ; attempt++) {
            long version = settings.get(key).map(Versioned::version).orElse(SettingsStore.ABSENT);
            try {
                settings.put(key, doc, version);
                return;
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * The price of an event's model: the resolved (upstream) model first, then the requested one; each tried exactly,
     * case-insensitively, without a reasoning suffix such as {@code (high)}, and as the part after the last '/'.
     */
    public static Optional<ModelPrice> lookup(Map<String, ModelPrice> table, String resolvedModel, String model) {
        Map<String, ModelPrice> lower = null;
        for (String candidate : new String[] {resolvedModel, model}) {
            if (candidate == null || candidate.isBlank() || candidate.equals("-")) {
                continue;
            }
            for (String name : variants(candidate)) {
                ModelPrice p = table.get(name);
                if (p != null) {
                    return Optional.of(p);
                }
                if (lower == null) {
                    lower = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    lower.putAll(table);
                }
                p = lower.get(name);
                if (p != null) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static List<String> variants(String model) {
        List<String> v = new ArrayList<>();
        String m = model.trim();
        v.add(m);
        String stripped = REASONING_SUFFIX.matcher(m).replaceFirst("").trim();
        if (!stripped.equals(m)) {
            v.add(stripped);
        }
        int slash = stripped.lastIndexOf('/');
        if (slash >= 0 && slash < stripped.length() - 1) {
            v.add(stripped.substring(slash + 1));
        }
        return v;
    }

    /** All context-tier thresholds of a table, sorted and distinct (the store groups events by these). */
    public static List<Long> thresholds(Map<String, ModelPrice> table) {
        return table.values().stream().flatMap(p -> p.contextTiers().stream())
                .map(ModelPrice.ContextTier::thresholdTokens).distinct().sorted().toList();
    }
}
