package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.Signatures;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.providers.ApiFormat;

import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.format.StreamDecoder;
import dev.spacegate.server.gateway.translate.neutral.Sequencer;
import dev.spacegate.server.gateway.translate.neutral.StreamEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** upstream SSE -> decoder -> neutral events -> sequencer -> client encoder -> client SSE, one event at a time. */
final class StreamPipeline implements StreamTranslator {
    private final StreamDecoder decoder;
    private final Sequencer sequencer;
    private final List<SseEvent> out = new ArrayList<>();
    private final Consumer<StreamEvent> sink;

    StreamPipeline(StreamDecoder decoder, ApiFormat upstream, Codec client, TranslateContext ctx) {
        this.decoder = decoder;
        this.sequencer = new Sequencer(client.encoder(ctx, out), ctx.toolNames()::original);
        this.sink = Signatures.tagging(upstream, client.format(), sequencer::accept);
    }

    @Override
    public List<SseEvent> onEvent(SseEvent upstream) {
        decoder.decode(upstream, sink);
        return drain();
    }

    @Override
    public List<SseEvent> finish() {
        decoder.end(sink);
        sequencer.end();
        return drain();
    }

    private List<SseEvent> drain() {
        if (out.isEmpty()) {
            return List.of();
        }
        List<SseEvent> events = List.copyOf(out);
        out.clear();
        return events;
    }
}
