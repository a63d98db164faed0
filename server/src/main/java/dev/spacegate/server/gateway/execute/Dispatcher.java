package dev.spacegate.server.gateway.execute;

import dev.spacegate.server.providers.ProviderKind;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;


import dev.spacegate.server.gateway.ErrorFamily;
import dev.spacegate.server.gateway.GatewayConfig;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.pool.CooldownRules;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.pool.SessionAffinity;
import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.gateway.stream.SseFramer;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.gateway.translate.CodexBody;
import dev.spacegate.server.gateway.translate.Effort;
import dev.spacegate.server.gateway.translate.Errors;
import dev.spacegate.server.gateway.translate.ResponseAggregator;
import dev.spacegate.server.gateway.translate.SseEvent;
import dev.spacegate.server.gateway.translate.StreamTranslator;
import dev.spacegate.server.gateway.translate.TokenCount;
import dev.spacegate.server.gateway.translate.TranslateContext;
import dev.spacegate.server.gateway.translate.Translation;
import dev.spacegate.server.gateway.translate.TranslationException;
import dev.spacegate.server.gateway.translate.UpstreamError;
import dev.spacegate.server.gateway.translate.format.Codec;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.gateway.usage.UsageRecord;
import dev.spacegate.server.outbound.OutboundClient;
import dev.spacegate.server.outbound.ProxySpec;
import dev.spacegate.server.outbound.Response;

/**
 * Runs one client call against the pool: resolve the model, order the candidates, try them (failing over
 * only before the first byte reaches the client), apply cooldown rules, and record one usage record per
 * upstream attempt.
 */
public final class Dispatcher {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] USAGE = "sage".getBytes(StandardCharsets.US_ASCII);
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** Client headers never forwarded upstream: hop-by-hop, our own auth, encodings we must be able to read. */
    private static final Set<String> DROPPED_HEADERS = Set.of("host", "content-length", "transfer-encoding",
            "connection", "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "proxy-connection",
            "authorization", "x-api-key", "x-goog-api-key", "cookie", "accept-encoding", "expect", "forwarded",
            "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "origin", "referer",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-protocol",
            "content-type", "accept");

    private final OutboundClient client;
    private final CredentialPool pool;
    private final Consumer<UsageRecord> usage;
    private final TranslationLookup translations;
    private final SessionAffinity affinity;
    private volatile UpstreamAuth auth = UpstreamAuth.NONE;

    public Dispatcher(OutboundClient client, CredentialPool pool, Consumer<UsageRecord> usage,
                      TranslationLookup translations, SessionAffinity affinity) {
        this.affinity = affinity;
        this.client = client;
        this.pool = pool;
        this.usage = usage;
        this.translations = translations;
    }

    /** Plugs in live tokens for OAuth credentials (auth files); returns this dispatcher. */
    public Dispatcher upstreamAuth(UpstreamAuth auth) {
        this.auth = auth == null ? UpstreamAuth.NONE : auth;
        return this;
    }

    /** The outcome of one upstream attempt. */
    private sealed interface Outcome {
        /** The client got its answer (or went away). */
        record Done() implements Outcome { }

        /** The upstream failed before anything reached the client. */
        record Failed(int status, String contentType, byte[] body, Duration retryAfter, CooldownRules.Rule rule,
                      Map<String, String> upstreamHeaders) implements Outcome {
            Failed(int status, String contentType, byte[] body, Duration retryAfter, CooldownRules.Rule rule) {
                this(status, contentType, body, retryAfter, rule, Map.of());
            }
        }
    }

    /** Serves a call; every path ends with an answer to the client (or a dead client). */
    public void dispatch(GatewayConfig cfg, ModelRegistry registry, ClientCall call, ClientSink sink)
            throws IOException {
        ErrorFamily family = ErrorFamily.of(call.operation().format());
        // a model(high) suffix picks reasoning; the registry knows the base name (the suffix never goes upstream)
        Effort.ModelName named = modelName(call.model());
        List<Candidate> all = named.reasoning() != null ? registry.resolve(named.base()) : List.of();
        if (all.isEmpty()) {
            all = registry.resolve(call.model());
        }
        if (all.isEmpty()) {
            sendError(call, sink, family, 400, "model_not_found", "unknown provider for model " + call.model(),
                    Map.of());
            return;
        }
        List<Candidate> eligible = new ArrayList<>();
        Map<Candidate, Translation> translated = new LinkedHashMap<>();
        for (Candidate c : all) {
            Optional<Translation> t = translationFor(call.operation(), c.credential().kind().format());
            if (c.credential().kind().format() == call.operation().format()
                    && passthroughAllowed(call.operation(), c)) {
                eligible.add(c);
            } else if (t.isPresent()) {
                eligible.add(c);
                translated.put(c, t.get());
            }
        }
        if (eligible.isEmpty()) {
            // only legacy completions and embeddings get here: they exist on OpenAI-compatible upstreams alone
            ApiFormat upstream = all.get(0).credential().kind().format();
            sendError(call, sink, family, 400, "unsupported_translation", "model " + call.model() + " is served by a "
                    + name(upstream) + " upstream, which has no " + call.operation().endpoint() + " endpoint",
                    Map.of());
            return;
        }
        sink.keepAlive(call.stream(), call.stream() ? cfg.keepAlive() : cfg.nonStreamKeepAlive());

        Outcome.Failed last = null;
        int maxRounds = 1 + cfg.requestRetry();
        for (Candidate c : eligible) {
            if (c.credential().requestRetry() != null) {
                maxRounds = Math.max(maxRounds, 1 + c.credential().requestRetry());
            }
        }
        int round = 0;
        int waits = 0;
        while (round < maxRounds) {
            final int r = round;
            List<Candidate> order = pool.order(call.model(), eligible, cfg.strategy()).stream()
                    .filter(c -> r == 0 || effectiveRetry(cfg, c) >= r).toList();
            if (call.session() != null) {
                // a bound session outranks priority and strategy while its credential is available
                order = affinity.prefer(call.model(), call.session(), order);
            }
            if (order.isEmpty()) {
                Optional<Instant> next = pool.earliestRecovery(eligible);
                if (last == null && round == 0) {
                    sendCooldown(call, sink, family, next.orElse(pool.now().plusSeconds(1)),
                            eligible.get(0).credential().provider());
                    return;
                }
                Duration wait = next.map(n -> Duration.between(pool.now(), n)).orElse(null);
                if (wait == null || cfg.maxRetryInterval().isZero() || wait.compareTo(cfg.maxRetryInterval()) > 0
                        || ++waits > maxRounds) {
                    break;
                }
                sleep(wait);
                continue;
            }
            int tried = 0;
            for (Candidate c : order) {
                if (cfg.maxRetryCredentials() > 0 && tried >= cfg.maxRetryCredentials()) {
                    break;
                }
                tried++;
                Outcome o = attempt(cfg, call, c, translated.get(c), named.reasoning(), sink);
                if (o instanceof Outcome.Done) {
                    if (call.session() != null) {
                        affinity.bind(call.model(), call.session(), c, cfg.sessionAffinityTtl());
                    }
                    return;
                }
                Outcome.Failed f = (Outcome.Failed) o;
                if (!f.rule().failover()) {
                    sendFailure(call, sink, f);
                    return;
                }
                last = f;
            }
            if (last == null || !last.rule().nextRound()) {
                break;
            }
            round++;
        }
        if (last == null) {
            sendError(call, sink, family, 503, "auth_unavailable", "no credential is available for model "
                    + call.model(), Map.of());
            return;
        }
        sendFailure(call, sink, last);
    }

    /** The one place that decides whether a client format can be served by an upstream of another format. */
    public Optional<Translation> translationFor(Operation op, ApiFormat upstream) {
        if (!op.translatable() || upstream == op.format()) {
            return Optional.empty();
        }
        return translations.find(op.format(), upstream);
    }

    private static byte[] withEffort(byte[] body, ApiFormat format, Reasoning reasoning, Candidate c) {
        try {
            if (!(JSON.readTree(body) instanceof ObjectNode tree)) {
                return body;
            }
            Codec.writeEffort(format, tree, Effort.resolve(reasoning, c.thinking()), c.thinking());
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body; // not JSON: the upstream judges it as it is
        }
    }

    private static boolean passthroughAllowed(Operation op, Candidate c) {
        // legacy completions and embeddings exist only on OpenAI-compatible upstreams
        return (op != Operation.COMPLETIONS && op != Operation.EMBEDDINGS)
                || c.credential().kind() == ProviderKind.OPENAI_COMPATIBILITY;
    }

    private static int effectiveRetry(GatewayConfig cfg, Candidate c) {
        return c.credential().requestRetry() != null ? c.credential().requestRetry() : cfg.requestRetry();
    }

    private Outcome attempt(GatewayConfig cfg, ClientCall call, Candidate c, Translation translation,
                            Reasoning reasoning, ClientSink sink) throws IOException {
        UsageRecord u = newRecord(call, c);
        if (reasoning != null) {
            // the model(high) suffix wins over the body's effort, upstream and in the record
            u.reasoningEffort = reasoning.level() != null ? reasoning.level() : Effort.levelFor(reasoning.budget());
        }
        long t0 = System.nanoTime();
        ApiFormat clientFormat = call.operation().format();
        ApiFormat upstreamFormat = c.credential().kind().format();
        boolean counting = call.operation().countsTokens();
        boolean codex = c.credential().kind() == ProviderKind.CODEX_API_KEY && !counting;
        // the Codex backend always streams: a client that wants one JSON answer gets the stream folded into one
        boolean upstreamStream = call.stream() || codex;
        // one context per attempt, shared by the request and the answer (it carries the tool-name map)
        TranslateContext tctx = translation == null && !codex ? null
                : new TranslateContext(call.model(), c.upstreamModel(), call.stream())
                .withCodex(codex).withReasoning(reasoning).withThinking(c.thinking());
        Operation upstreamOp;
        byte[] body;
        if (translation == null) {
            upstreamOp = call.operation();
            if (codex && clientFormat == ApiFormat.OPENAI_RESPONSES
                    && JSON.readTree(call.body().bytes()) instanceof ObjectNode b) {
                b.put("model", c.upstreamModel());
                body = JSON.writeValueAsBytes(CodexBody.normalize(b));
            } else {
                body = call.operation().modelInPath() ? call.body().bytes()
                        : call.body().forUpstream(c.upstreamModel(),
                        call.stream() && call.operation() == Operation.CHAT);
            }
            if (reasoning != null && call.operation().translatable() && !counting) {
                // a model(high) suffix: the same effort the translators would send, written into the body as it is
                try {
                    body = withEffort(body, upstreamFormat, reasoning, c);
                } catch (TranslationException e) {
                    return new Outcome.Failed(400, "application/json",
                            JSON.writeValueAsBytes(Errors.render(clientFormat, e.error())), null,
                            CooldownRules.ruleFor(400, null));
                }
            }
        } else {
            ObjectNode up;
            try {
                if (!(JSON.readTree(call.body().bytes()) instanceof ObjectNode clientBody)) {
                    throw new TranslationException(UpstreamError.badRequest("the request body must be a JSON object"));
                }
                if (counting) {
                    Optional<ObjectNode> count = translation.countTokensRequest(clientBody, tctx);
                    if (count.isEmpty()) {
                        // the upstream has no counter: estimate here, no upstream attempt
                        sendQuietly(sink, 200, JSON.writeValueAsBytes(TokenCount.estimate(clientFormat,
                                call.body().bytes())), overheadMs(call));
                        return new Outcome.Done();
                    }
                    up = count.get();
                } else {
                    up = translation.request(clientBody, tctx);
                }
            } catch (TranslationException e) {
                // the request cannot be expressed for this upstream: the client's fault, no cooldown
                return new Outcome.Failed(400, "application/json",
                        JSON.writeValueAsBytes(Errors.render(clientFormat, e.error())), null,
                        CooldownRules.ruleFor(400, null));
            } catch (RuntimeException e) {
                byte[] msg = ErrorFamily.of(clientFormat).bytes(400, "translation_failed",
                        e.getMessage() == null ? "the request cannot be translated" : e.getMessage());
                return new Outcome.Failed(400, "application/json", msg, null, CooldownRules.ruleFor(400, null));
            }
            if (upstreamFormat == ApiFormat.OPENAI_CHAT && upstreamStream) {
                up.withObject("/stream_options").put("include_usage", true);
            }
            body = JSON.writeValueAsBytes(up);
            upstreamOp = counting ? countOperation(upstreamFormat) : upstreamOperation(upstreamFormat, upstreamStream);
        }
        body = cfg.payload().apply(body, call.model(), c.upstreamModel(), c.credential().kind(), clientFormat,
                call.clientHeaders());
        UpstreamAuth auth = this.auth;
        String url = auth.upstreamUrl(c.credential(), upstreamOp.upstreamUrl(c, translation == null ? call.alt() : "sse"));

        Response resp;
        long w0 = System.nanoTime();
        Map<String, String> headers = upstreamHeaders(call, c, upstreamStream, upstreamFormat);
        String usedToken = auth.apply(c.credential(), headers);
        try {
            resp = sendRefreshingOnce(cfg, c, url, headers, body, auth, usedToken);
        } catch (IOException | RuntimeException e) {
            call.timing().addUpstream(System.nanoTime() - w0);
            CooldownRules.Rule rule = pool.markFailure(c, 502, null, null, cooling(cfg, c), cfg.transientCooldown());
            byte[] msg = ErrorFamily.of(call.operation().format()).bytes(502, "upstream_unreachable",
                    "upstream provider " + c.credential().provider() + " could not be reached");
            finish(u, t0, 502, true, "upstream unreachable");
            return new Outcome.Failed(502, "application/json", msg, null, rule);
        }
        call.timing().addUpstream(System.nanoTime() - w0);

        int status = resp.status();
        if (status < 200 || status >= 300) {
            byte[] eb;
            try (resp) {
                eb = readLimited(resp.decodedBody(), ERROR_BODY_LIMIT);
            } catch (RuntimeException | IOException e) {
                eb = new byte[0];
            }
            String ct = resp.first("content-type").orElse("application/json");
            Duration retryAfter = retryAfter(resp.first("retry-after").orElse(null));
            CooldownRules.Rule rule = markUpstreamError(cfg, c, status, errorCode(eb),
                    new String(eb, StandardCharsets.UTF_8), retryAfter);
            finish(u, t0, status, true, new String(eb, 0, Math.min(eb.length, 2048), StandardCharsets.UTF_8));
            if (status < 400) {
                // redirects are never followed (they could leak the key elsewhere); to the client it is a bad gateway
                return new Outcome.Failed(502, "application/json", ErrorFamily.of(call.operation().format())
                        .bytes(502, "upstream_redirect", "the upstream answered with a redirect (" + status + ")"),
                        null, rule);
            }
            if (translation != null) {
                // the client cannot read the upstream's envelope: the same error in the client's
                eb = JSON.writeValueAsBytes(Errors.render(clientFormat,
                        Errors.parse(upstreamFormat, status, new String(eb, StandardCharsets.UTF_8))));
                ct = "application/json";
            }
            return new Outcome.Failed(status, ct, eb, retryAfter, rule, UpstreamHeaders.forClient(cfg, resp));
        }

        if (!call.stream()) {
            byte[] out;
            try (resp) {
                long r0 = System.nanoTime();
                out = resp.decodedBody().readAllBytes();
                call.timing().addUpstream(System.nanoTime() - r0);
            } catch (RuntimeException | IOException e) {
                CooldownRules.Rule rule = pool.markFailure(c, 502, null, null, cooling(cfg, c),
                        cfg.transientCooldown());
                finish(u, t0, 502, true, "upstream response cut short");
                return new Outcome.Failed(502, "application/json", ErrorFamily.of(call.operation().format())
                        .bytes(502, "upstream_error", "upstream response was cut short"), null, rule);
            }
            u.ttftMs = (System.nanoTime() - t0) / 1_000_000;
            String ct = resp.first("content-type").orElse("application/json");
            if (codex && ct.contains("event-stream")) {
                return aggregate(cfg, call, c, u, t0, out, upstreamFormat, tctx, sink);
            }
            JsonNode tree = null;
            if (translation != null || c.forceMapping()) {
                try {
                    tree = JSON.readTree(out);
                    u.tokens.observe(upstreamFormat, tree);
                } catch (IOException e) {
                    // not JSON: passed through as is, without token counts
                }
            } else {
                u.tokens.observe(upstreamFormat, out);
            }
            if (translation != null && tree instanceof ObjectNode on) {
                try {
                    out = JSON.writeValueAsBytes(counting ? translation.countTokensResponse(on, tctx)
                            : translation.response(on, tctx));
                } catch (RuntimeException e) {
                    return translatorFailed(cfg, call, c, u, t0);
                }
                ct = "application/json";
            } else if (c.forceMapping() && tree instanceof ObjectNode) {
                try {
                    out = RequestBody.scan(out).forUpstream(call.model(), false);
                } catch (RequestBody.MalformedException e) {
                    // parsed a moment ago; cannot happen
                }
            }
            pool.markSuccess(c);
            finish(u, t0, status, false, null);
            try {
                sink.full(status, ct, out, UpstreamHeaders.forClient(cfg, resp), overheadMs(call));
            } catch (ClientSink.ClientGoneException e) {
                // the answer was complete; nothing to cancel
            }
            return new Outcome.Done();
        }
        return pipe(cfg, call, c, resp, sink, u, t0, upstreamFormat, translation == null ? null
                : translation.stream(tctx));
    }

    /** Sends; on a 401 to an OAuth token, refreshes it once and sends again to the same credential. */
    private Response sendRefreshingOnce(GatewayConfig cfg, Candidate c, String url, Map<String, String> headers,
                                        byte[] body, UpstreamAuth auth, String usedToken) throws IOException {
        Response first = send(cfg, c, url, headers, body);
        if (first.status() != 401 || usedToken == null
                || auth.refreshAfterUnauthorized(c.credential(), usedToken).isEmpty()) {
            return first;
        }
        first.close();
        auth.apply(c.credential(), headers);
        return send(cfg, c, url, headers, body);
    }

    private Response send(GatewayConfig cfg, Candidate c, String url, Map<String, String> headers, byte[] body)
            throws IOException {
        String proxy = c.credential().proxyUrl() != null ? c.credential().proxyUrl() : cfg.proxyUrl();
        return client.send("POST", URI.create(url), headers, body, ProxySpec.of(proxy));
    }

    /** Folds a Codex stream into the client's one JSON answer (the client did not ask for a stream). */
    private Outcome aggregate(GatewayConfig cfg, ClientCall call, Candidate c, UsageRecord u, long t0, byte[] sse,
                              ApiFormat upstreamFormat, TranslateContext tctx, ClientSink sink) throws IOException {
        ApiFormat clientFormat = call.operation().format();
        ObjectNode answer;
        UpstreamError error;
        try {
            ResponseAggregator agg = new ResponseAggregator(upstreamFormat, clientFormat, tctx);
            new SseFramer().feed(sse, 0, sse.length, (b, off, len) -> {
                if (SseFramer.contains(b, off, len, USAGE)) {
                    observeEvent(u, upstreamFormat, b, off, len);
                }
                SseEvent ev = SseFramer.parse(b, off, len);
                if (ev.data() != null) {
                    agg.onEvent(ev);
                }
            });
            error = agg.error();
            answer = error == null ? agg.finish() : null;
        } catch (RuntimeException e) {
            return translatorFailed(cfg, call, c, u, t0);
        }
        if (error != null) {
            // the stream reported a failure before anything reached the client: fail over like an HTTP error
            CooldownRules.Rule rule = markUpstreamError(cfg, c, error.status(), error.type(), error.message(), null);
            finish(u, t0, error.status(), true, error.message());
            return new Outcome.Failed(error.status(), "application/json",
                    JSON.writeValueAsBytes(Errors.render(clientFormat, error)), null, rule);
        }
        pool.markSuccess(c);
        finish(u, t0, 200, false, null);
        sendQuietly(sink, 200, JSON.writeValueAsBytes(answer), overheadMs(call));
        return new Outcome.Done();
    }

    /** An upstream answer the translator could not read: a bad gateway, without cooling the credential. */
    private Outcome translatorFailed(GatewayConfig cfg, ClientCall call, Candidate c, UsageRecord u, long t0) {
        finish(u, t0, 502, true, "upstream answer could not be translated");
        return new Outcome.Failed(502, "application/json", ErrorFamily.of(call.operation().format()).bytes(502,
                "translation_failed", "the upstream's answer could not be translated"), null,
                CooldownRules.ruleFor(400, null));
    }

    private static void sendQuietly(ClientSink sink, int status, byte[] body, long overheadMs) throws IOException {
        try {
            sink.full(status, "application/json", body, Map.of(), overheadMs);
        } catch (ClientSink.ClientGoneException e) {
            // the answer was complete; nothing to cancel
        }
    }

    /** Streams the upstream's events to the client; from here on there is no failover. */
    private Outcome pipe(GatewayConfig cfg, ClientCall call, Candidate c, Response resp, ClientSink sink,
                         UsageRecord u, long t0, ApiFormat upstreamFormat, StreamTranslator translator)
            throws IOException {
        AtomicBoolean clientGone = new AtomicBoolean();
        sink.onGone(() -> {
            clientGone.set(true);
            resp.close();
        });
        String ct = resp.first("content-type").orElse("");
        boolean sse = ct.contains("event-stream") || translator != null;
        try {
            sink.open(overheadMs(call), UpstreamHeaders.forClient(cfg, resp));
            InputStream in = resp.decodedBody();
            SseFramer framer = new SseFramer();
            byte[] buf = new byte[8192];
            ModelRewrite rewrite = c.forceMapping() && translator == null
                    ? new ModelRewrite(c.upstreamModel(), call.model()) : null;
            SseFramer.EventHandler handler = (b, off, len) -> {
                if (SseFramer.contains(b, off, len, USAGE)) {
                    observeEvent(u, upstreamFormat, b, off, len);
                }
                if (rewrite != null) {
                    byte[] ob = rewrite.apply(b, off, len);
                    sink.event(ob, 0, ob.length);
                } else if (translator == null) {
                    sink.event(b, off, len);
                } else {
                    SseEvent ev = SseFramer.parse(b, off, len);
                    if (ev.data() != null) {
                        for (SseEvent out : translate(translator, ev)) {
                            byte[] ob = SseFramer.format(out);
                            sink.event(ob, 0, ob.length);
                        }
                    }
                }
            };
            int n;
            while (true) {
                try {
                    n = in.read(buf);
                } catch (RuntimeException | IOException e) {
                    if (clientGone.get()) {
                        throw new ClientSink.ClientGoneException();
                    }
                    throw new UpstreamBrokeException();
                }
                if (n < 0) {
                    break;
                }
                if (u.ttftMs == 0) {
                    u.ttftMs = (System.nanoTime() - t0) / 1_000_000;
                }
                if (sse) {
                    framer.feed(buf, 0, n, handler);
                } else {
                    sink.raw(buf, 0, n);
                }
            }
            if (translator != null) {
                for (SseEvent out : translate(translator, null)) {
                    byte[] ob = SseFramer.format(out);
                    sink.event(ob, 0, ob.length);
                }
            }
            pool.markSuccess(c);
            finish(u, t0, 200, false, null);
            sink.close();
        } catch (ClientSink.ClientGoneException e) {
            // the client left: cancel the upstream call, never cool the credential
            resp.close();
            finish(u, t0, 499, true, "client closed the connection");
        } catch (TranslatorBrokeException e) {
            // our side failed on an event it could not read: end the client's stream with an error, no cooldown
            resp.close();
            finish(u, t0, 502, true, "upstream stream could not be translated");
            byte[] ev = SseFramer.format(Errors.streamEvent(call.operation().format(),
                    new UpstreamError(502, "api_error", "the upstream's stream could not be translated")));
            try {
                sink.event(ev, 0, ev.length);
                sink.close();
            } catch (ClientSink.ClientGoneException ignored) {
                // nobody left to tell
            }
        } catch (UpstreamBrokeException e) {
            resp.close();
            pool.markFailure(c, 502, null, null, cooling(cfg, c), cfg.transientCooldown());
            finish(u, t0, 502, true, "upstream stream broke");
            byte[] ev = translator == null ? ErrorFamily.streamError(call.operation().format(), 502,
                    "upstream stream ended unexpectedly") : SseFramer.format(Errors.streamEvent(
                    call.operation().format(), new UpstreamError(502, "api_error", "upstream stream ended unexpectedly")));
            try {
                sink.event(ev, 0, ev.length);
                sink.close();
            } catch (ClientSink.ClientGoneException ignored) {
                // nobody left to tell
            }
        }
        return new Outcome.Done();
    }

    /** {@code force-mapping} for streams: the upstream's {@code "model":"name"} becomes the client's alias. */
    private static final class ModelRewrite {
        private final byte[] from;
        private final byte[] to;

        ModelRewrite(String upstream, String alias) {
            this.from = ("\"model\":\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                    .quoteAsString(upstream)) + "\"").getBytes(StandardCharsets.UTF_8);
            this.to = ("\"model\":\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
                    .quoteAsString(alias)) + "\"").getBytes(StandardCharsets.UTF_8);
        }

        byte[] apply(byte[] b, int off, int len) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(len + 16);
            int i = off;
            int end = off + len;
            while (i < end) {
                if (i + from.length <= end && java.util.Arrays.equals(b, i, i + from.length, from, 0, from.length)) {
                    out.writeBytes(to);
                    i += from.length;
                } else {
                    out.write(b[i++]);
                }
            }
            return out.toByteArray();
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

    /** The upstream connection failed mid-stream. */
    private static final class UpstreamBrokeException extends IOException {
        UpstreamBrokeException() {
            super("upstream stream broke", null);
        }
    }

    private static void observeEvent(UsageRecord u, ApiFormat format, byte[] b, int off, int len) {
        SseEvent ev = SseFramer.parse(b, off, len);
        if (ev.data() == null || ev.data().isEmpty() || ev.data().charAt(0) != '{') {
            return;
        }
        try {
            u.tokens.observe(format, JSON.readTree(ev.data()));
        } catch (IOException e) {
            // not JSON: no usage in it
        }
    }

    private static Effort.ModelName modelName(String model) {
        try {
            return Effort.parseModel(model);
        } catch (RuntimeException e) {
            // e.g. a budget suffix too large for an int: treat the whole name as a model name
            return new Effort.ModelName(model, null);
        }
    }

    private static Operation countOperation(ApiFormat f) {
        return f == ApiFormat.GEMINI ? Operation.GEMINI_COUNT : Operation.COUNT_TOKENS;
    }

    private static Operation upstreamOperation(ApiFormat f, boolean stream) {
        return switch (f) {
            case OPENAI_CHAT -> Operation.CHAT;
            case OPENAI_RESPONSES -> Operation.RESPONSES;
            case CLAUDE -> Operation.MESSAGES;
            case GEMINI -> stream ? Operation.GEMINI_STREAM : Operation.GEMINI_GENERATE;
        };
    }

    private static Map<String, String> upstreamHeaders(ClientCall call, Candidate c, boolean stream,
                                                      ApiFormat upstreamFormat) {
        Map<String, String> h = new LinkedHashMap<>();
        boolean sameFormat = upstreamFormat == call.operation().format();
        call.clientHeaders().forEach((k, v) -> {
            if (!DROPPED_HEADERS.contains(k) && (sameFormat || !k.startsWith("anthropic-"))) {
                h.put(k, v);
            }
        });
        h.put("content-type", "application/json");
        h.put("accept", stream ? "text/event-stream" : "application/json");
        String key = c.credential().apiKey();
        switch (c.credential().kind().keyHeader()) {
            case BEARER -> h.put("authorization", "Bearer " + key);
            case GOOG -> h.put("x-goog-api-key", key);
            case ANTHROPIC -> {
                if (c.credential().baseUrl().contains("://api.anthropic.com")) {
                    h.put("x-api-key", key);
                } else {
                    h.put("authorization", "Bearer " + key);
                }
            }
        }
        if (upstreamFormat == ApiFormat.CLAUDE) {
            h.putIfAbsent("anthropic-version", "2023-06-01");
        }
        c.credential().headers().forEach((k, v) -> {
            String value = v.startsWith("$") ? call.clientHeaders().get(v.substring(1).toLowerCase(Locale.ROOT)) : v;
            if (value != null) {
                h.put(k.toLowerCase(Locale.ROOT), value);
            }
        });
        return h;
    }

    /** An error the upstream answered with: the cooldown table's rule, as the credential's scoped rules change it. */
    private CooldownRules.Rule markUpstreamError(GatewayConfig cfg, Candidate c, int status, String code, String body,
                                                 Duration retryAfter) {
        CooldownRules.Rule rule = c.credential().scopedErrors().decide(CooldownRules.ruleFor(status, code), status,
                body);
        return pool.markFailure(c, rule, status, retryAfter, cooling(cfg, c), cfg.transientCooldown());
    }

    private static boolean cooling(GatewayConfig cfg, Candidate c) {
        Boolean own = c.credential().disableCooling();
        return !(own != null ? own : cfg.disableCooling());
    }

    private long overheadMs(ClientCall call) {
        long total = System.nanoTime() - call.startNanos();
        return Math.max(0, (total - call.timing().upstreamNanos()) / 1_000_000);
    }

    private UsageRecord newRecord(ClientCall call, Candidate c) {
        UsageRecord u = new UsageRecord();
        u.timestamp = Instant.now();
        u.source = c.credential().maskedKey();
        u.authIndex = c.credential().authIndex();
        u.clientIp = call.clientIp();
        u.forwardedFor = call.forwardedFor();
        u.userAgent = call.userAgent();
        u.provider = c.credential().provider();
        u.executorType = c.credential().kind().executorType();
        u.model = c.upstreamModel();
        u.alias = call.model();
        u.endpoint = call.operation().endpoint();
        u.apiKey = call.clientKey();
        u.requestId = call.requestId();
        u.reasoningEffort = call.body().reasoningEffort();
        u.serviceTier = call.body().serviceTier();
        return u;
    }

    private void finish(UsageRecord u, long t0, int status, boolean failed, String failBody) {
        u.latencyMs = (System.nanoTime() - t0) / 1_000_000;
        u.statusCode = status;
        u.failed = failed;
        u.failBody = failBody == null ? "" : failBody;
        try {
            usage.accept(u);
        } catch (RuntimeException e) {
            // usage must never break a request
        }
    }

    private void sendFailure(ClientCall call, ClientSink sink, Outcome.Failed f) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(f.upstreamHeaders());
        if (f.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, f.retryAfter().toSeconds())));
        }
        if (sink.committed() && call.stream()) {
            byte[] ev = ErrorFamily.streamError(call.operation().format(), f.status(), errorMessage(f.body()));
            sink.event(ev, 0, ev.length);
            sink.close();
            return;
        }
        sink.full(f.status(), f.contentType(), f.body(), headers, overheadMs(call));
    }

    private void sendError(ClientCall call, ClientSink sink, ErrorFamily family, int status, String code,
                           String message, Map<String, String> headers) throws IOException {
        if (sink.committed() && call.stream()) {
            byte[] ev = ErrorFamily.streamError(call.operation().format(), status, message);
            sink.event(ev, 0, ev.length);
            sink.close();
            return;
        }
        sink.full(status, "application/json", family.bytes(status, code, message), headers, overheadMs(call));
    }

    private void sendCooldown(ClientCall call, ClientSink sink, ErrorFamily family, Instant next, String provider)
            throws IOException {
        long seconds = Math.max(1, (Duration.between(pool.now(), next).toMillis() + 999) / 1000);
        String message = "All credentials for model " + call.model() + " are cooling down via provider " + provider;
        ObjectNode body = family.body(429, "model_cooldown", message);
        if (family == ErrorFamily.OPENAI) {
            ((ObjectNode) body.path("error")).put("model", call.model()).put("reset_time", humanDuration(seconds))
                    .put("reset_seconds", seconds).put("provider", provider);
        }
        Map<String, String> headers = Map.of("Retry-After", Long.toString(seconds));
        if (sink.committed() && call.stream()) {
            byte[] ev = ErrorFamily.streamError(call.operation().format(), 429, message);
            sink.event(ev, 0, ev.length);
            sink.close();
            return;
        }
        sink.full(429, "application/json", JSON.writeValueAsBytes(body), headers, overheadMs(call));
    }

    private static String humanDuration(long seconds) {
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (h > 0 || m > 0 ? m + "m" : "") + s + "s";
    }

    private static String name(ApiFormat f) {
        return switch (f) {
            case OPENAI_CHAT -> "OpenAI chat";
            case OPENAI_RESPONSES -> "OpenAI Responses";
            case CLAUDE -> "Claude";
            case GEMINI -> "Gemini";
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static byte[] readLimited(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0 && out.size() < limit) {
            out.write(buf, 0, Math.min(n, limit - out.size()));
        }
        return out.toByteArray();
    }

    /** The upstream's machine-readable error code or type, if its body has one. */
    static String errorCode(byte[] body) {
        try {
            JsonNode e = JSON.readTree(body).path("error");
            for (String f : List.of("code", "type", "status")) {
                if (e.path(f).isTextual()) {
                    return e.path(f).asText();
                }
            }
        } catch (IOException | RuntimeException ex) {
            // not JSON
        }
        return null;
    }

    private static String errorMessage(byte[] body) {
        try {
            JsonNode n = JSON.readTree(body);
            String m = n.path("error").path("message").asText("");
            if (!m.isEmpty()) {
                return m;
            }
        } catch (IOException | RuntimeException ex) {
            // not JSON
        }
        return "upstream request failed";
    }

    static Duration retryAfter(String v) {
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            long s = Long.parseLong(v.trim());
            return s > 0 ? Duration.ofSeconds(s) : null;
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(Instant.now(),
                        ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return d.isNegative() || d.isZero() ? null : d;
            } catch (RuntimeException ex) {
                return null;
            }
        }
    }
}
