package dev.spacegate.server.gateway.translate.neutral;


/** One step of a streamed answer in format-neutral terms, as a decoder reads it from an upstream stream. */
public sealed interface StreamEvent {
    /** The answer began; any field may be null. */
    record Started(String id, String model, Usage usage) implements StreamEvent {
    }

    record TextDelta(String text) implements StreamEvent {
    }

    record ThinkingDelta(String text) implements StreamEvent {
    }

    /** The signature that closes one reasoning block. */
    record ThinkingSignature(String signature) implements StreamEvent {
    }

    /** The current text or reasoning block ended (a hint; encoders also switch blocks on their own). */
    record BlockEnd() implements StreamEvent {
    }

    /** A tool call began; {@code key} identifies it among concurrently streamed calls. */
    record ToolCallStart(String key, String id, String name) implements StreamEvent {
    }

    /** A fragment of a tool call's JSON arguments. */
    record ToolCallDelta(String key, String fragment) implements StreamEvent {
    }

    record ToolCallEnd(String key) implements StreamEvent {
    }

    /** The answer ended; usage may be null when the upstream reported none. */
    record Finished(StopReason reason, Usage usage) implements StreamEvent {
    }

    /** The upstream reported an error mid-stream. */
    record Failed(UpstreamError error) implements StreamEvent {
    }
}
