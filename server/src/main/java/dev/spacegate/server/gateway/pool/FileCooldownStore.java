package dev.spacegate.server.gateway.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
        List<CooldownState> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (JsonNode n : JSON.readTree(file.toFile()).path("records")) {
            out.add(new CooldownState(n.path("auth_index").asText(), n.path("model").asText(),
                    Instant.parse(n.path("next_retry_after").asText()), n.path("reason").asText(),
                    n.path("status_code").asInt(), n.path("backoff_level").asInt()));
        }
        return out;
    }

    @Override
    public void save(List<CooldownState> states) throws Exception {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ArrayNode records = root.putArray("records");
        for (CooldownState s : states) {
            records.addObject().put("auth_index", s.authIndex()).put("model", s.model())
                    .put("next_retry_after", s.nextRetryAt().toString()).put("reason", s.reason())
                    .put("status_code", s.statusCode()).put("backoff_level", s.backoffLevel());
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
