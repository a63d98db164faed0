package dev.spacegate.server.gateway.translate;

import dev.spacegate.server.gateway.translate.base.TranslateContext;

import dev.spacegate.server.gateway.translate.base.Signatures;

import dev.spacegate.server.gateway.translate.base.SseEvent;

import dev.spacegate.server.gateway.translate.neutral.UpstreamError;

import dev.spacegate.server.providers.ApiFormat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.format.StreamDecoder;
import dev.spacegate.server.gateway.translate.neutral.BlockSink;
import dev.spacegate.server.gateway.translate.neutral.Part;
import dev.spacegate.server.gateway.translate.neutral.Reply;
import dev.spacegate.server.gateway.translate.neutral.Sequencer;
import dev.spacegate.server.gateway.translate.neutral.StopReason;
import dev.spacegate.server.gateway.translate.neutral.Usage;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds an upstream stream into the client's non-stream response body, for upstreams that always stream
 * (the Codex backend) while the client asked for one JSON answer. Works for same-format pairs too.
 */
public final class ResponseAggregator {
    private final StreamDecoder decoder;
    private final java.util.function.Consumer<dev.spacegate.server.gateway.translate.neutral.StreamEvent> sink;
    private final Sequencer sequencer;
    private final Collector collector = new Collector();
    private final Codec client;
    private final TranslateContext ctx;

    public ResponseAggregator(ApiFormat upstream, ApiFormat client, TranslateContext ctx) {
        this.decoder = Codec.of(upstream).decoder(ctx);
        this.sequencer = new Sequencer(collector, ctx.toolNames()::original);
        this.client = Codec.of(client);
        this.ctx = ctx;
        this.sink = Signatures.tagging(upstream, client, sequencer::accept);
    }

    public void onEvent(SseEvent event) {
        decoder.decode(event, sink);
    }

    /** The upstream error the stream reported, if any (then answer with it instead of {@link #finish()}). */
    public UpstreamError error() {
        return collector.error;
    }

    /** The client's response body once the upstream stream has ended. */
    public ObjectNode finish() {
        decoder.end(sink);
        sequencer.end();
        Reply reply = new Reply(collector.id, collector.model, collector.parts, collector.stop, collector.usage);
        return client.writeResponse(reply, ctx);
    }

    /** Builds a {@link Reply} from the sequenced blocks. */
    private static final class Collector implements BlockSink {
        String id;
        String model;
        final List<Part> parts = new ArrayList<>();
        StopReason stop = StopReason.END_TURN;
        Usage usage;
        UpstreamError error;
        private final StringBuilder buf = new StringBuilder();
        private String signature;
        private String callId;
        private String callName;

        @Override
        public void start(String id, String model, Usage usage) {
            this.id = id;
            this.model = model;
            this.usage = usage;
        }

        @Override
        public void openText() {
            buf.setLength(0);
        }

        @Override
        public void text(String delta) {
            buf.append(delta);
        }

        @Override
        public void closeText() {
            parts.add(new Part.Text(buf.toString()));
        }

        @Override
        public void openThinking() {
            buf.setLength(0);
            signature = null;
        }

        @Override
        public void thinking(String delta) {
            buf.append(delta);
        }

        @Override
        public void signature(String sig) {
            signature = sig;
        }

        @Override
        public void closeThinking() {
            parts.add(new Part.Thinking(buf.toString(), signature, false));
        }

        @Override
        public void openTool(String id, String name) {
            callId = id;
            callName = name;
            buf.setLength(0);
        }

        @Override
        public void toolArguments(String fragment) {
            buf.append(fragment);
        }

        @Override
        public void closeTool() {
            parts.add(new Part.ToolCall(callId, callName, buf.isEmpty() ? "{}" : buf.toString()));
        }

        @Override
        public void finish(StopReason reason, Usage u) {
            stop = reason;
            if (u != null) {
                usage = usage == null ? u : usage.merge(u);
            }
        }

        @Override
        public void fail(UpstreamError e) {
            error = e;
        }
    }
}
