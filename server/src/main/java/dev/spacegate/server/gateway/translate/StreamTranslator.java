package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import java.util.List;

/** Converts one upstream stream into the client's stream, event by event; one instance per stream. */
public interface StreamTranslator {
    /** Events to send to the client for one upstream event (possibly none, possibly several). */
    List<SseEvent> onEvent(SseEvent upstream);

    /** Events that close the client's stream once the upstream stream has ended. */
    List<SseEvent> finish();
}
