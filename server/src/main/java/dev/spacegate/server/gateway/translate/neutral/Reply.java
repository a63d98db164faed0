package dev.spacegate.server.gateway.translate.neutral;

import java.util.List;

/** A complete (non-streamed) model answer: text, reasoning and tool calls in order, stop reason, usage. */
public record Reply(String id, String model, List<Part> content, StopReason stop, Usage usage) {
}
