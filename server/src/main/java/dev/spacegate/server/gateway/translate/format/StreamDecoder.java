package dev.spacegate.server.gateway.translate.format;

import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;

import java.util.function.Consumer;

/** Reads one upstream stream, event by event, into neutral {@link StreamEvent}s. One instance per stream. */
public interface StreamDecoder {
    void decode(SseEvent event, Consumer<StreamEvent> out);

    /** The upstream stream ended (possibly without its terminal event). */
    default void end(Consumer<StreamEvent> out) {
    }
}
