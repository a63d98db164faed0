package dev.spacegate.server.manager.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.ServerConfig;

/**
 * The local config file's document, where it came from, and whether {@code CONFIG_RESEED=1} asks to replace the
 * stored document by it.
 */
public record ConfigSeed(ObjectNode document, Optional<Path> file, boolean reseed) {

    /** A seed with no file name and no recovery switch. */
    public static ConfigSeed of(ObjectNode document) {
        return new ConfigSeed(document, Optional.empty(), false);
    }

    /** The seed of a starting server: its config document and file, {@code CONFIG_RESEED} from the environment. */
    public static ConfigSeed of(ServerConfig config, Map<String, String> env) {
        String reseed = env.getOrDefault("CONFIG_RESEED", "").trim();
        return new ConfigSeed(config.document(), config.source(),
                reseed.equals("1") || reseed.equalsIgnoreCase("true"));
    }

    /** How logs and the history name the file. */
    String label() {
        return file.map(p -> "config file " + p).orElse("config file");
    }
}
