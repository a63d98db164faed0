package dev.spacegate.server.manager.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.config.ServerConfig;

/**
 * The local config file's document, where it came from, whether {@code CONFIG_RESEED=1} asks to replace the stored
 * document by it, and why the file could not be read as a document (not YAML, not a mapping), if so.
 */
public record ConfigSeed(ObjectNode document, Optional<Path> file, boolean reseed, List<String> unreadable) {

    /** A seed with no file name and no recovery switch. */
    public static ConfigSeed of(ObjectNode document) {
        return new ConfigSeed(document, Optional.empty(), false, List.of());
    }

    /** The seed of a starting server: its config document and file, {@code CONFIG_RESEED} from the environment. */
    public static ConfigSeed of(ServerConfig config, Map<String, String> env) {
        String reseed = env.getOrDefault("CONFIG_RESEED", "").trim();
        return new ConfigSeed(config.document(), config.source(),
                reseed.equals("1") || reseed.equalsIgnoreCase("true"), unreadable(config));
    }

    /** ServerConfig starts without a file it cannot parse; say why, so the manager can report it. */
    private static List<String> unreadable(ServerConfig config) {
        if (!config.document().isEmpty() || config.source().isEmpty()) {
            return List.of();
        }
        try {
            ServerConfig.parseYaml(Files.readString(config.source().get()));
            return List.of();
        } catch (ServerConfig.InvalidConfigException e) {
            return List.of(e.getMessage());
        } catch (IOException e) {
            return List.of("cannot read the file: " + e.getClass().getSimpleName());
        }
    }

    /** How logs and the history name the file. */
    String label() {
        return file.map(p -> "config file " + p).orElse("config file");
    }
}
