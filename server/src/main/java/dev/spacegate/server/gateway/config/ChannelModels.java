package dev.spacegate.server.gateway.config;


import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * CLIProxyAPI's per-channel model maps for auth files: {@code oauth-excluded-models} (patterns an auth file of
 * the channel does not serve) and {@code oauth-model-alias} (an upstream name served under another name; the
 * original name disappears unless {@code fork: true}). A channel is the auth file's type ({@code codex},
 * {@code claude}, {@code vertex}, {@code kimi}, {@code xai}, ...); API-key entries are not affected.
 */
public record ChannelModels(Map<String, List<String>> excluded, Map<String, List<Alias>> aliases) {
    public static final ChannelModels NONE = new ChannelModels(Map.of(), Map.of());

    /** One alias: {@code name} upstream, {@code alias} as clients see it; {@code fork} keeps the original too. */
    public record Alias(String name, String alias, boolean fork, boolean forceMapping) {
    }

    /** Reads both maps of a config document; shape errors go to {@code problems}, blank entries are dropped. */
    public static ChannelModels parse(JsonNode root, List<String> problems) {
        Map<String, List<String>> excluded = new LinkedHashMap<>();
        JsonNode ex = root.path("oauth-excluded-models");
        if (!ex.isMissingNode() && !ex.isNull() && !ex.isObject()) {
            problems.add("oauth-excluded-models: must be a mapping of channel to a list of model patterns");
        }
        ex.properties().forEach(ch -> {
            String channel = ch.getKey().trim().toLowerCase(Locale.ROOT);
            if (!ch.getValue().isArray() && !ch.getValue().isNull()) {
                problems.add("oauth-excluded-models." + ch.getKey() + ": must be a list of model patterns");
                return;
            }
            List<String> patterns = new ArrayList<>();
            ch.getValue().forEach(p -> {
                String v = p.asText("").trim().toLowerCase(Locale.ROOT);
                if (!v.isEmpty() && !patterns.contains(v)) {
                    patterns.add(v);
                }
            });
            if (!channel.isEmpty() && !patterns.isEmpty()) {
                excluded.put(channel, List.copyOf(patterns));
            }
        });
        Map<String, List<Alias>> aliases = new LinkedHashMap<>();
        JsonNode al = root.path("oauth-model-alias");
        if (!al.isMissingNode() && !al.isNull() && !al.isObject()) {
            problems.add("oauth-model-alias: must be a mapping of channel to a list of {name, alias}");
        }
        al.properties().forEach(ch -> {
            String channel = ch.getKey().trim().toLowerCase(Locale.ROOT);
            if (!ch.getValue().isArray() && !ch.getValue().isNull()) {
                problems.add("oauth-model-alias." + ch.getKey() + ": must be a list of {name, alias}");
                return;
            }
            List<Alias> list = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            ch.getValue().forEach(e -> {
                String name = e.path("name").asText("").trim();
                String alias = e.path("alias").asText("").trim();
                // as CLIProxyAPI: blank or identity entries dropped, an alias used once per channel
                if (!name.isEmpty() && !alias.isEmpty() && !name.equalsIgnoreCase(alias)
                        && seen.add(alias.toLowerCase(Locale.ROOT))) {
                    list.add(new Alias(name, alias, e.path("fork").asBoolean(false),
                            e.path("force-mapping").asBoolean(false)));
                }
            });
            if (!channel.isEmpty() && !list.isEmpty()) {
                aliases.put(channel, List.copyOf(list));
            }
        });
        return new ChannelModels(Map.copyOf(excluded), Map.copyOf(aliases));
    }
}
