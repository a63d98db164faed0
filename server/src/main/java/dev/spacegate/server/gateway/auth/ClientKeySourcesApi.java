package dev.spacegate.server.gateway.auth;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;

/**
 * Where each client key comes from, for the panel: keys managed in the panel ({@code api-keys} in the config) and
 * keys from CI secrets ({@code CLIENT_API_KEYS}, {@code CLIENT_API_KEYS_PREVIOUS}), which are read-only there.
 * Keys are masked.
 *
 * <pre>curl -H "Authorization: Bearer $MANAGEMENT_KEY" http://localhost:7860/v0/management/client-key-sources</pre>
 */
public final class ClientKeySourcesApi {
    /** The path of the list. */
    public static final String PATH = "/v0/management/client-key-sources";

    private final ManagementGuard guard;
    private final Supplier<List<String>> configKeys;
    private final Supplier<EnvKeys> envKeys;
    private final Clock clock;

    public ClientKeySourcesApi(ManagementGuard guard, Supplier<List<String>> configKeys, Supplier<EnvKeys> envKeys,
                               Clock clock) {
        this.guard = guard;
        this.configKeys = configKeys;
        this.envKeys = envKeys;
        this.clock = clock;
    }

    /** Adds this API's route. */
    public void routes(Endpoints.Builder b) {
        b.get(PATH, this::list);
    }

    private void list(Endpoints.Call c) {
        if (!guard.admit(c.req(), c.res())) {
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode keys = out.putArray("keys");
        for (String k : configKeys.get()) {
            keys.addObject().put("key", mask(k)).put("source", "panel").put("readOnly", false);
        }
        EnvKeys env = envKeys.get();
        for (EnvKeys.Key k : env.keys()) {
            ObjectNode o = keys.addObject().put("key", mask(k.value())).put("source", k.source(env.name()))
                    .put("label", k.label()).put("readOnly", true).put("previous", k.previous());
            k.until().ifPresent(u -> o.put("until", u.toString()).put("expired", !k.validAt(clock.instant())));
        }
        Json.send(c.res(), 200, out);
    }

    /** The first four and last four characters of a long key, else asterisks: enough to tell keys apart. */
    static String mask(String key) {
        return key.length() < 16 ? "****" : key.substring(0, 4) + "..." + key.substring(key.length() - 4);
    }
}
