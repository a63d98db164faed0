package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.gateway.translate.base.Errors;
import dev.spacegate.server.gateway.translate.base.SseEvent;
import dev.spacegate.server.gateway.translate.StreamTranslator;
import dev.spacegate.server.gateway.translate.neutral.UpstreamError;
import dev.spacegate.server.outbound.Response;
import dev.spacegate.server.web.ClientError;

/**
 * Step "relay the answer" for a client that wants a stream: pipes the upstream's events to the client as they
 * arrive (translated, or with the model rewritten for {@code force-mapping}); from the first byte on there is no
 * failover, so a failure ends the client's stream with an error event.
 */
final class StreamRelay {
    private static final byte[] USAGE = "sage".getBytes(StandardCharsets.US_ASCII);

    private final CredentialPool pool;
    private final UsageRecorder usage;
    private final UpstreamErrors errors;

    StreamRelay(CredentialPool pool, UsageRecorder usage, UpstreamErrors errors) {
        this.pool = pool;
        this.usage = usage;
        this.errors = errors;
    }

    Outcome relay(Attempt a, Response resp, ClientSink sink) throws IOException {
        StreamTranslator translator = a.translation() == null ? null : a.translation().stream(a.context());
        AtomicBoolean clientGone = new AtomicBoolean();
        sink.onGone(() -> {
            clientGone.set(true);
            resp.close();
        });
        try {
            pipe(a, resp, sink, translator, clientGone);
            pool.markSuccess(a.candidate());
            usage.finish(a, 200, false, null);
            sink.close();
        } catch (ClientSink.ClientGoneException e) {
            // the client left: cancel the upstream call, never cool the credential
            resp.close();
            usage.finish(a, 499, true, "client closed the connection");
        } catch (TranslatorBrokeException e) {
            // our side failed on an event it could not read: end the client's stream with an error, no cooldown
            resp.close();
            usage.finish(a, 502, true, "upstream stream could not be translated");
            endWith(sink, SseFramer.format(Errors.streamEvent(a.clientFormat(),
                    new UpstreamError(502, "api_error", "the upstream's stream could not be translated"))));
        } catch (UpstreamBrokeException e) {
            resp.close();
            errors.transientFailure(a);
            usage.finish(a, 502, true, "upstream stream broke");
            String message = e.getMessage();
            endWith(sink, SseFramer.format(Errors.streamEvent(a.clientFormat(), translator == null
                    ? ClientError.of(502, "upstream_error", message)
                    : ClientError.typed(502, "api_error", null, message))));
        }
        return new Outcome.Done();
    }

    private void pipe(Attempt a, Response resp, ClientSink sink, StreamTranslator translator,
                      AtomicBoolean clientGone) throws IOException {
        String ct = resp.first("content-type").orElse("");
        boolean sse = ct.contains("event-stream") || translator != null;
        sink.open(a.call().overheadMs(), UpstreamHeaders.forClient(a.config(), resp));
        InputStream in = resp.decodedBody();
        // An SSE stream is read straight into the framer's buffer, which starts small: a server holds these
        // buffers for every open stream as long as it lasts. Only a raw (non-SSE) body needs a buffer of its own.
        SseFramer framer = sse ? new SseFramer() : null;
        SseFramer.EventHandler handler = handler(a, sink, translator);
        byte[] buf = sse ? null : new byte[8192];
        while (true) {
            int n;
            try {
                n = sse ? framer.readFrom(in) : in.read(buf);
            } catch (RuntimeException | IOException e) {
                if (clientGone.get()) {
                    throw new ClientSink.ClientGoneException();
                }
                throw new UpstreamBrokeException("upstream stream ended unexpectedly");
            }
            if (n < 0) {
                break;
            }
            UsageRecorder.firstByte(a);
            if (sse) {
                try {
                    framer.frame(handler);
                } catch (SseFramer.EventTooLargeException e) {
                    // a capped buffer: the stream ends with a 502 event that says why
                    throw new UpstreamBrokeException(e.getMessage());
                }
            } else {
                sink.raw(buf, 0, n);
            }
        }
        if (translator != null) {
            send(sink, translate(translator, null));
        }
    }

    /** What happens to each upstream event: usage counted, then passed on, rewritten or translated. */
    private static SseFramer.EventHandler handler(Attempt a, ClientSink sink, StreamTranslator translator) {
        ModelRewrite rewrite = a.candidate().forceMapping() && translator == null
                ? new ModelRewrite(a.candidate().upstreamModel(), a.call().model()) : null;
        return (b, off, len) -> {
            if (SseFramer.contains(b, off, len, USAGE)) {
                UsageRecorder.observeEvent(a.usage(), a.upstreamFormat(), b, off, len);
            }
            if (rewrite != null) {
                byte[] ob = rewrite.apply(b, off, len);
                sink.event(ob, 0, ob.length);
            } else if (translator == null) {
                sink.event(b, off, len);
            } else {
                SseEvent ev = SseFramer.parse(b, off, len);
                if (ev.data() != null) {
                    send(sink, translate(translator, ev));
                }
            }
        };
    }

    private static void send(ClientSink sink, List<SseEvent> events) throws IOException {
        for (SseEvent out : events) {
            byte[] ob = SseFramer.format(out);
            sink.event(ob, 0, ob.length);
        }
    }

    private static void endWith(ClientSink sink, byte[] event) throws IOException {
        try {
            sink.event(event, 0, event.length);
            sink.close();
        } catch (ClientSink.ClientGoneException ignored) {
            // nobody left to tell
        }
    }

    /** One step of a stream translator ({@code null} event = the upstream stream ended). */
    private static List<SseEvent> translate(StreamTranslator t, SseEvent ev) throws TranslatorBrokeException {
        try {
            return ev == null ? t.finish() : t.onEvent(ev);
        } catch (RuntimeException e) {
            throw new TranslatorBrokeException();
        }
    }

    /** A stream translator failed on an upstream event. */
    private static final class TranslatorBrokeException extends IOException {
        TranslatorBrokeException() {
            super("stream translation failed", null);
        }
    }

    /** The upstream connection failed mid-stream; the message is what the client's error event says. */
    private static final class UpstreamBrokeException extends IOException {
        UpstreamBrokeException(String message) {
            super(message, null);
        }
    }
}
