package dev.spacegate.server.gateway.models;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

import dev.spacegate.server.gateway.config.ChannelModels;
import dev.spacegate.server.gateway.config.GatewayConfig;

/** Applies the config's per-channel model maps ({@code oauth-excluded-models}, {@code oauth-model-alias}) to an auth file. */
final class ChannelMaps {
    private ChannelMaps() {
    }

    /**
     * The auth file as its channel's maps shape it: the channel's exclusions added to its own, each alias of a model
     * it serves added, and a name an alias replaces (no {@code fork}) neither listed nor accepted any more.
     */
    static ModelRegistry.AuthFileEntry apply(ChannelModels maps, ModelRegistry.AuthFileEntry a) {
        String channel = a.credential().provider().toLowerCase(Locale.ROOT);
        List<String> channelExcluded = maps.excluded().getOrDefault(channel, List.of());
        List<ChannelModels.Alias> channelAliases = maps.aliases().getOrDefault(channel, List.of());
        if (channelExcluded.isEmpty() && channelAliases.isEmpty()) {
            return a;
        }
        List<String> allExcluded = new ArrayList<>(a.excluded());
        allExcluded.addAll(channelExcluded);
        List<GatewayConfig.Model> served = new ArrayList<>(a.aliases());
        Set<String> replaced = new HashSet<>();
        for (ChannelModels.Alias x : channelAliases) {
            boolean serves = a.catalog().contains(x.name()) || a.accepts().test(x.name());
            if (!serves || ModelRegistry.excluded(allExcluded, x.name())) {
                continue;
            }
            served.add(new GatewayConfig.Model(x.name(), x.alias(), x.forceMapping()));
            if (!x.fork()) {
                replaced.add(x.name().toLowerCase(Locale.ROOT));
            }
        }
        List<String> catalog = a.catalog().stream()
                .filter(id -> !replaced.contains(id.toLowerCase(Locale.ROOT))).toList();
        Predicate<String> accepts = a.accepts();
        Predicate<String> narrowed = replaced.isEmpty() ? accepts
                : m -> !replaced.contains(m.toLowerCase(Locale.ROOT)) && accepts.test(m);
        return new ModelRegistry.AuthFileEntry(a.credential(), a.prefix(), List.copyOf(allExcluded),
                List.copyOf(served), narrowed, catalog);
    }
}
