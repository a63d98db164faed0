package dev.spacegate.server.manager.usage;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.web.Json;

/** Display names for client API keys, by key hash (the raw key is never stored). */
public final class Aliases {
    static final String KEY = "manager.api_key_aliases";

    /** One alias. */
    public record Alias(String apiKeyHash, String alias, long updatedAtMs) {
    }

    private final SettingsStore settings;

    public Aliases(SettingsStore settings) {
        this.settings = settings;
    }

    /** All aliases by key hash. */
    public Map<String, Alias> all() {
        Map<String, Alias> out = new TreeMap<>();
        settings.get(KEY).ifPresent(v -> v.value().path("items").forEach(n -> out.put(n.path("apiKeyHash").asText(),
                new Alias(n.path("apiKeyHash").asText(), n.path("alias").asText(), n.path("updatedAtMs").asLong()))));
        return out;
    }

    /** Applies an edit to the whole set with compare-and-set (retried when another writer won). */
    public Map<String, Alias> edit(java.util.function.Consumer<Map<String, Alias>> change) {
        for (int attempt = 0; ; attempt++) {
            Versioned<JsonNode> current = settings.get(KEY).orElse(null);
            Map<String, Alias> all = all();
            change.accept(all);
            ObjectNode doc = Json.MAPPER.createObjectNode();
            ArrayNode items = doc.putArray("items");
            all.values().forEach(a -> items.addObject().put("apiKeyHash", a.apiKeyHash()).put("alias", a.alias())
                    .put("updatedAtMs", a.updatedAtMs()));
            try {
                settings.put(KEY, doc, current == null ? SettingsStore.ABSENT : current.version());
                return all;
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    /** {@code {"items":[{apiKeyHash, alias, updatedAtMs}]}}. */
    public static ObjectNode toJson(Map<String, Alias> all) {
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ArrayNode items = doc.putArray("items");
        all.values().forEach(a -> items.addObject().put("apiKeyHash", a.apiKeyHash()).put("alias", a.alias())
                .put("updatedAtMs", a.updatedAtMs()));
        return doc;
    }
}
