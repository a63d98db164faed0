package dev.spacegate.server.manager.compat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;

/**
 * {@code GET /v0/management/config-keys}: which keys of the running config Spacegate ignores ({@code ignored}),
 * and the whole catalogue ({@code keys}: name, from, status, applies ({@code live} or {@code restart}), note), for
 * the panel's config page.
 */
record ConfigKeysApi(LiveConfig config) implements CompatApi.Part {
    @Override
    public void routes(Endpoints.Builder b) {
        b.get(CompatApi.BASE + "/config-keys", c -> {
            ConfigKeys.Report r = ConfigKeys.classify(config.current());
            ObjectNode out = Json.MAPPER.createObjectNode();
            r.ignored().forEach(out.putArray("ignored")::add);
            r.unknown().forEach(out.putArray("unknown")::add);
            ArrayNode keys = out.putArray("keys");
            for (ConfigKeys.Key k : ConfigKeys.all()) {
                keys.addObject().put("key", k.name()).put("from", k.origin())
                        .put("status", k.status().name().toLowerCase(java.util.Locale.ROOT))
                        .put("applies", k.apply().name().toLowerCase(java.util.Locale.ROOT)).put("note", k.note());
            }
            Json.send(c.res(), 200, out);
        });
    }
}
