package dev.spacegate.server.manager.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.web.Json;

/**
 * What start-up found about the config, shown on {@code /status} (and so in the panel) until a write fixes it:
 * {@code ok}; {@code seed_rejected} (the file was invalid and not stored); {@code fallback} (the stored version was
 * rejected, an older one runs); {@code reseeded} (CONFIG_RESEED replaced the stored document). A local file that
 * differs from the stored document is noted beside any state.
 *
 * @param document the document of the version that runs instead ({@code fallback}), null for none
 */
public record ConfigNotice(String state, long rejectedVersion, List<String> problems, long runningVersion,
                           ObjectNode document, Optional<String> fileDiffers, Optional<Path> file) {

    static final ConfigNotice NONE = new ConfigNotice("ok", 0, List.of(), 0, null, Optional.empty(),
            Optional.empty());

    static ConfigNotice seedRejected(String file, List<String> problems) {
        return new ConfigNotice("seed_rejected", 0, List.copyOf(problems), 0, null, Optional.of(file),
                Optional.empty());
    }

    static ConfigNotice fallBack(long rejected, List<String> problems, long running, ObjectNode document) {
        return new ConfigNotice("fallback", rejected, List.copyOf(problems), running, document, Optional.empty(),
                Optional.empty());
    }

    static ConfigNotice reseeded(long version) {
        return new ConfigNotice("reseeded", 0, List.of(), version, null, Optional.empty(), Optional.empty());
    }

    /** The document to run: the fallback's, or an empty one. */
    ObjectNode running() {
        return document == null ? Json.MAPPER.createObjectNode() : document.deepCopy();
    }

    ConfigNotice withFileDiffers(String label, Optional<Path> path) {
        return new ConfigNotice(state, rejectedVersion, problems, runningVersion, document, Optional.of(label), path);
    }

    /** After a successful write: the rejection is resolved; a differing file is still worth saying. */
    ConfigNotice afterWrite() {
        return state.equals("ok") ? this : new ConfigNotice("ok", 0, List.of(), 0, null, fileDiffers, file);
    }

    /** The command that sends a file to the management API (for the log and {@code /status}). */
    static String applyCommand(Optional<Path> file) {
        return "curl -X PUT -H \"Authorization: Bearer $MANAGEMENT_KEY\" --data-binary @"
                + file.map(Path::toString).orElse("config.yaml") + " http://HOST:PORT/v0/management/config.yaml";
    }

    /** The {@code config} block of {@code /status}. */
    ObjectNode toJson(long version) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("version", version).put("state", state);
        if (state.equals("fallback")) {
            o.put("rejectedVersion", rejectedVersion).put("runningVersion", runningVersion);
            o.put("message", "the stored config (version " + rejectedVersion + ") does not pass validation; "
                    + (runningVersion > 0 ? "serving version " + runningVersion : "serving an empty config")
                    + " until it is fixed or restored");
        } else if (state.equals("seed_rejected")) {
            o.put("message", "the config file is not valid and was not stored; serving an empty config");
        } else if (state.equals("reseeded")) {
            o.put("message", "CONFIG_RESEED=1 replaced the stored config by the file (version " + runningVersion
                    + "); remove CONFIG_RESEED");
        }
        if (!problems.isEmpty()) {
            o.putArray("problems").addAll(problems.stream().map(Json.MAPPER.getNodeFactory()::textNode).toList());
        }
        fileDiffers.filter(f -> !state.equals("seed_rejected")).ifPresent(f -> o.putObject("file")
                .put("differs", true).put("source", f)
                .put("apply", "restart once with CONFIG_RESEED=1, or: " + applyCommand(file)));
        return o;
    }
}
