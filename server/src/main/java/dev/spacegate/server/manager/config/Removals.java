package dev.spacegate.server.manager.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.providers.ProviderKind;

/** Refuses a write that removes every provider or every client key unless {@code ?confirm=remove-all} says so. */
final class Removals {
    private Removals() {
    }

    static void check(ObjectNode before, ObjectNode after, boolean confirmed) {
        if (confirmed) {
            return;
        }
        if (providers(before) > 0 && providers(after) == 0) {
            throw ConfigRefusal.confirmRequired("provider");
        }
        if (size(before, "api-keys") > 0 && size(after, "api-keys") == 0) {
            throw ConfigRefusal.confirmRequired("client key");
        }
    }

    private static int providers(ObjectNode doc) {
        int n = 0;
        for (ProviderKind kind : ProviderKind.values()) {
            n += size(doc, kind.section());
        }
        return n;
    }

    private static int size(ObjectNode doc, String key) {
        JsonNode v = doc.get(key);
        return v != null && v.isArray() ? v.size() : 0;
    }
}
