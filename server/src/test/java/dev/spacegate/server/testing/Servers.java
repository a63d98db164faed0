package dev.spacegate.server.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.ServerConfig;

/** Builds server settings for tests: loopback, a free port, and the given environment on top. */
public final class Servers {
    private Servers() {
    }

    public static ServerConfig config(Map<String, String> env) {
        return config("", env);
    }

    public static ServerConfig config(String yaml, Map<String, String> env) {
        Map<String, String> all = new HashMap<>(Map.of("HOST", "127.0.0.1", "PORT", "0"));
        all.putAll(env);
        ObjectNode doc = ServerConfig.parseYaml(yaml);
        return ServerConfig.from(doc, all, Optional.empty());
    }
}
