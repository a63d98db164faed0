package dev.spacegate.server.gateway.translate.neutral;

/** Whether and which tool the model must call. */
public record ToolChoice(Mode mode, String name) {
    /** The four modes every format can express. */
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }

    public static ToolChoice of(Mode mode) {
        return new ToolChoice(mode, null);
    }
}
