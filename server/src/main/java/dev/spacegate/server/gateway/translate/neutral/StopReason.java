package dev.spacegate.server.gateway.translate.neutral;

/** Why the model stopped, in terms every format can express. */
public enum StopReason {
    END_TURN, MAX_TOKENS, TOOL_USE, STOP_SEQUENCE, REFUSAL
}
