package dev.spacegate.server.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.gateway.auth.ClientKeys;

/**
 * Builds server settings for tests: loopback, a free port, and the given environment on top. The config admits
 * clients without a key ({@code allow-unauthenticated: true}) unless the test's YAML says otherwise, so tests about
 * something else need no client key; the security tests set it to false or configure keys.
 */
public final class Servers {
    private Servers() {
    }

    public static ServerConfig config(Map<String, String> env) {
        return config("", env);
    }

    public static ServerConfig config(String yaml, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("HOST", "127.0.0.1", "PORT", "0"));
        all.putAll(env);
        ObjectNode doc = openByDefault(ServerConfig.parseYaml(yaml));
        return ServerConfig.from(doc, all, Optional.empty());
    }

    /** {@code doc} with {@code allow-unauthenticated: true} added when it does not set the key itself. */
    public static ObjectNode openByDefault(ObjectNode doc) {
        if (!doc.has(ClientKeys.ALLOW_UNAUTHENTICATED)) {
            doc.put(ClientKeys.ALLOW_UNAUTHENTICATED, true);
        }
        return doc;
    }
}
