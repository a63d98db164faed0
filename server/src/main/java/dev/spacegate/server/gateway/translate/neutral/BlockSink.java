package dev.spacegate.server.gateway.translate.neutral;

/**
 * Receives a well-formed answer: exactly one start, blocks opened and closed one at a time, one finish.
 * The {@link Sequencer} guarantees that order whatever the upstream interleaves; encoders implement this.
 */
public interface BlockSink {
    void start(String id, String model, Usage usage);

    /** A text block begins (formats without block framing need not answer). */
    default void openText() {
    }

    void text(String delta);

    /** The text block ends (formats without block framing need not answer). */
    default void closeText() {
    }

    /** A reasoning block begins (formats without block framing need not answer). */
    default void openThinking() {
    }

    void thinking(String delta);

    void signature(String signature);

    /** The reasoning block ends (formats without block framing need not answer). */
    default void closeThinking() {
    }

    void openTool(String id, String name);

    void toolArguments(String fragment);

    void closeTool();

    void finish(StopReason reason, Usage usage);

    void fail(UpstreamError error);
}
