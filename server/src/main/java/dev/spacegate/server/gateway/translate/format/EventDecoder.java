package dev.spacegate.server.gateway.translate.format;

import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.neutral.Json;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.gateway.translate.neutral.StopReason;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;
import dev.spacegate.server.gateway.translate.neutral.Usage;

/**
 * What every upstream stream decoder shares: events carry JSON objects, and the stream ends exactly once,
 * finished or failed; nothing is decoded after that.
 */
abstract class EventDecoder implements StreamDecoder {
    private boolean done;

    @Override
    public final void decode(SseEvent e, Consumer<StreamEvent> out) {
        if (done) {
            return;
        }
        ObjectNode ev = Json.parseObject(e.data());
        if (ev == null) {
            onText(e, out);
        } else {
            onEvent(ev, e, out);
        }
    }

    /** One event whose data is a JSON object. */
    protected abstract void onEvent(ObjectNode ev, SseEvent e, Consumer<StreamEvent> out);

    /** An event whose data is not a JSON object (a comment, a {@code [DONE]} marker); ignored by default. */
    protected void onText(SseEvent e, Consumer<StreamEvent> out) {
    }

    protected final boolean done() {
        return done;
    }

    /** Ends the stream as finished, unless it already ended. */
    protected final void finish(StopReason stop, Usage usage, Consumer<StreamEvent> out) {
        if (!done) {
            done = true;
            out.accept(new StreamEvent.Finished(stop, usage));
        }
    }

    /** Ends the stream with an upstream error. */
    protected final void fail(UpstreamError error, Consumer<StreamEvent> out) {
        done = true;
        out.accept(new StreamEvent.Failed(error));
    }
}
