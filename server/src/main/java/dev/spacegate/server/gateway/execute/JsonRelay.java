package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.gateway.translate.ResponseAggregator;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.outbound.Response;
import dev.spacegate.server.web.Bodies;

/**
 * Step "relay the answer" for a client that wants one JSON answer: reads the upstream's answer, translates it
 * (or rewrites the model for {@code force-mapping}), folds a Codex stream into one answer, and sends it.
 */
final class JsonRelay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] USAGE = "sage".getBytes(StandardCharsets.US_ASCII);

    private final CredentialPool pool;
    private final UsageRecorder usage;
    private final UpstreamErrors errors;

    /** The largest non-stream upstream answer (decoded) the gateway holds in memory. */
    static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    JsonRelay(CredentialPool pool, UsageRecorder usage, UpstreamErrors errors) {
        this.pool = pool;
        this.usage = usage;
        this.errors = errors;
    }

    Outcome relay(Attempt a, Response resp, ClientSink sink) throws IOException {
        byte[] out;
        try (resp) {
            long r0 = System.nanoTime();
            // capped after gzip decoding: a small compressed answer cannot inflate without bound
            out = Bodies.read(resp.decodedBody(), resp.decodedLength(), MAX_BODY_BYTES);
            a.call().timing().addUpstream(System.nanoTime() - r0);
        } catch (RuntimeException | IOException e) {
            return errors.cutShort(a);
        }
        if (out == null) {
            return errors.tooLarge(a, MAX_BODY_BYTES);
        }
        UsageRecorder.firstByte(a);
        String ct = resp.first("content-type").orElse("application/json");
        if (a.codex() && ct.contains("event-stream")) {
            return aggregate(a, out, sink);
        }
        JsonNode tree = observe(a, out);
        if (a.translation() != null && tree instanceof ObjectNode on) {
            try {
                out = JSON.writeValueAsBytes(a.counting() ? a.translation().countTokensResponse(on, a.context())
                        : a.translation().response(on, a.context()));
            } catch (RuntimeException e) {
                return errors.untranslatable(a);
            }
            ct = "application/json";
        } else if (a.candidate().forceMapping() && tree instanceof ObjectNode) {
            try {
                out = RequestBody.scan(out).forUpstream(a.call().model(), false);
            } catch (RequestBody.MalformedException e) {
                // parsed a moment ago; cannot happen
            }
        }
        pool.markSuccess(a.candidate());
        usage.finish(a, resp.status(), false, null);
        try {
            sink.full(resp.status(), ct, out, UpstreamHeaders.forClient(a.config(), resp), a.call().overheadMs());
        } catch (ClientSink.ClientGoneException e) {
            // the answer was complete; nothing to cancel
        }
        return new Outcome.Done();
    }

    /** Counts the answer's tokens; returns the parsed tree when the answer is changed on its way (else null). */
    private static JsonNode observe(Attempt a, byte[] out) {
        if (a.translation() == null && !a.candidate().forceMapping()) {
            a.usage().tokens.observe(a.upstreamFormat(), out);
            return null;
        }
        try {
            JsonNode tree = JSON.readTree(out);
            a.usage().tokens.observe(a.upstreamFormat(), tree);
            return tree;
        } catch (IOException e) {
            return null; // not JSON: passed through as is, without token counts
        }
    }

    /** Folds a Codex stream into the client's one JSON answer (the client did not ask for a stream). */
    private Outcome aggregate(Attempt a, byte[] sse, ClientSink sink) throws IOException {
        ObjectNode answer;
        UpstreamError error;
        try {
            ResponseAggregator agg = new ResponseAggregator(a.upstreamFormat(), a.clientFormat(), a.context());
            new SseFramer().feed(sse, 0, sse.length, (b, off, len) -> {
                if (SseFramer.contains(b, off, len, USAGE)) {
                    UsageRecorder.observeEvent(a.usage(), a.upstreamFormat(), b, off, len);
                }
                SseEvent ev = SseFramer.parse(b, off, len);
                if (ev.data() != null) {
                    agg.onEvent(ev);
                }
            });
            error = agg.error();
            answer = error == null ? agg.finish() : null;
        } catch (RuntimeException e) {
            return errors.untranslatable(a);
        }
        if (error != null) {
            return errors.inStream(a, error);
        }
        pool.markSuccess(a.candidate());
        usage.finish(a, 200, false, null);
        sendQuietly(sink, JSON.writeValueAsBytes(answer), a.call());
        return new Outcome.Done();
    }

    /** A complete 200 JSON answer; a client that left meanwhile is no error. */
    static void sendQuietly(ClientSink sink, byte[] body, ClientCall call) throws IOException {
        try {
            sink.full(200, "application/json", body, Map.of(), call.overheadMs());
        } catch (ClientSink.ClientGoneException e) {
            // the answer was complete; nothing to cancel
        }
    }
}
