package dev.spacegate.space.hub;

import java.util.Set;

/** What {@code GET /api/spaces/{id}/runtime} says: the stage, and an error message when there is one. */
public record SpaceRuntime(String stage, String errorMessage) {
    /** Stages after which polling stops with a failure (huggingface_hub's terminal stages other than RUNNING). */
    public static final Set<String> ERROR_STAGES =
            Set.of("BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE", "STOPPED", "PAUSED", "DELETING");

    public boolean running() {
        return "RUNNING".equals(stage);
    }

    public boolean failed() {
        return ERROR_STAGES.contains(stage);
    }
}
