package dev.spacegate.server.gateway.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Keeps cooldown state in one JSON file (written atomically); for tests and single-host installs. */
public final class FileCooldownStore implements CooldownStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public FileCooldownStore(Path file) {
        this.file = file;
    }

    @Override
    public List<CooldownState> load() throws Exception {
        if (!Files.exists(file)) {
            return List.of();
        }
        return CooldownState.fromJson(JSON.readTree(file.toFile()));
    }

    @Override
    public void save(List<CooldownState> states) throws Exception {
        ObjectNode root = CooldownState.toJson(states);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
