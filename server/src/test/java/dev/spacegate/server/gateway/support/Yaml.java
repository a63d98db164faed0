package dev.spacegate.server.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Builds the config document the server would parse: YAML text to a Jackson tree. */
public final class Yaml {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Yaml() {
    }

    public static JsonNode tree(String yaml) {
        Object o = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return JSON.valueToTree(o);
    }
}
