package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.gateway.pool.SessionAffinity;
import dev.spacegate.server.gateway.stream.ClientSink;
import dev.spacegate.server.outbound.OutboundClient;

/**
 * Runs one client call against the pool: the retry loop of the request path. It selects the candidates
 * ({@link CandidateSelection}), orders them per round (pool strategy, session affinity), tries them one
 * {@link Attempt} at a time and fails over only before the first byte reaches the client. An attempt is a row of
 * steps, each a class of its own: {@link RequestBuilder} (the upstream request), {@link UpstreamCaller} (send,
 * refresh once, {@link UpstreamErrors} sorts a failure into an outcome and a cooldown), {@link JsonRelay} or
 * {@link StreamRelay} (the answer), {@link UsageRecorder} (one usage record per attempt) and, when the loop gives
 * up, {@link ClientErrors}.
 */
public final class Dispatcher {
    private final CredentialPool pool;
    private final SessionAffinity affinity;
    private final CandidateSelection selection;
    private final RequestBuilder requests = new RequestBuilder();
    private final UpstreamCaller caller;
    private final JsonRelay json;
    private final StreamRelay streams;
    private final UsageRecorder usage;
    private volatile UpstreamAuth auth = UpstreamAuth.NONE;

    public Dispatcher(OutboundClient client, CredentialPool pool, UsageRecorder usage, TranslationLookup translations,
                      SessionAffinity affinity) {
        this.pool = pool;
        this.affinity = affinity;
        this.usage = usage;
        this.selection = new CandidateSelection(translations);
        UpstreamErrors errors = new UpstreamErrors(pool, usage);
        this.caller = new UpstreamCaller(client, errors);
        this.json = new JsonRelay(pool, usage, errors);
        this.streams = new StreamRelay(pool, usage, errors);
    }

    /** Plugs in live tokens for OAuth credentials (auth files); returns this dispatcher. */
    public Dispatcher upstreamAuth(UpstreamAuth auth) {
        this.auth = auth == null ? UpstreamAuth.NONE : auth;
        return this;
    }

    /** Serves a call; every path ends with an answer to the client (or a dead client). */
    public void dispatch(GatewayConfig cfg, ModelRegistry registry, ClientCall call, ClientSink sink)
            throws IOException {
        switch (selection.select(registry, call)) {
            case CandidateSelection.NoCandidate none -> ClientErrors.error(call, sink, 400, none.code(),
                    none.message());
            case CandidateSelection.Candidates found -> {
                sink.keepAlive(call.stream(), call.stream() ? cfg.keepAlive() : cfg.nonStreamKeepAlive());
                new Retry(cfg, call, found, sink).run();
            }
        }
    }

    /** The retry loop of one call: rounds over the ordered candidates, waiting for a cooldown when allowed. */
    private final class Retry {
        private final GatewayConfig cfg;
        private final ClientCall call;
        private final CandidateSelection.Candidates found;
        private final ClientSink sink;
        private final int maxRounds;
        private Outcome.Failed last;

        Retry(GatewayConfig cfg, ClientCall call, CandidateSelection.Candidates found, ClientSink sink) {
            this.cfg = cfg;
            this.call = call;
            this.found = found;
            this.sink = sink;
            int rounds = 1 + cfg.requestRetry();
            for (Candidate c : found.eligible()) {
                if (c.credential().requestRetry() != null) {
                    rounds = Math.max(rounds, 1 + c.credential().requestRetry());
                }
            }
            this.maxRounds = rounds;
        }

        void run() throws IOException {
            int round = 0;
            int waits = 0;
            while (round < maxRounds) {
                List<Candidate> order = order(round);
                if (order.isEmpty()) {
                    Optional<Instant> next = pool.earliestRecovery(found.eligible());
                    if (last == null && round == 0) {
                        ClientErrors.cooldown(call, sink, pool.now(), next.orElse(pool.now().plusSeconds(1)),
                                found.eligible().get(0).credential().provider());
                        return;
                    }
                    Duration wait = next.map(n -> Duration.between(pool.now(), n)).orElse(null);
                    if (wait == null || cfg.maxRetryInterval().isZero()
                            || wait.compareTo(cfg.maxRetryInterval()) > 0 || ++waits > maxRounds) {
                        break;
                    }
                    sleep(wait);
                    continue;
                }
                if (tryAll(order)) {
                    return;
                }
                if (last == null || !last.rule().nextRound()) {
                    break;
                }
                round++;
            }
            if (last == null) {
                ClientErrors.error(call, sink, 503, "auth_unavailable", "no credential is available for model "
                        + call.model());
                return;
            }
            ClientErrors.failure(call, sink, last);
        }

        /** The candidates of a round: ready ones in pool order, a bound session's first; later rounds need retries. */
        private List<Candidate> order(int round) {
            List<Candidate> order = pool.order(call.model(), found.eligible(), cfg.strategy()).stream()
                    .filter(c -> round == 0 || effectiveRetry(c) >= round).toList();
            if (call.session() != null) {
                // a bound session outranks priority and strategy while its credential is available
                order = affinity.prefer(call.model(), call.session(), order);
            }
            return order;
        }

        /** Tries the round's candidates; true when the call is answered (or refused without failover). */
        private boolean tryAll(List<Candidate> order) throws IOException {
            int tried = 0;
            for (Candidate c : order) {
                if (cfg.maxRetryCredentials() > 0 && tried >= cfg.maxRetryCredentials()) {
                    break;
                }
                tried++;
                Attempt a = new Attempt(cfg, call, c, found.translated().get(c), found.reasoning(), auth,
                        usage.start(call, c, found.reasoning()));
                if (attempt(a, sink) instanceof Outcome.Failed f) {
                    if (!f.rule().failover()) {
                        ClientErrors.failure(call, sink, f);
                        return true;
                    }
                    last = f;
                    continue;
                }
                if (call.session() != null) {
                    affinity.bind(call.model(), call.session(), c, cfg.sessionAffinityTtl());
                }
                return true;
            }
            return false;
        }

        private int effectiveRetry(Candidate c) {
            return c.credential().requestRetry() != null ? c.credential().requestRetry() : cfg.requestRetry();
        }
    }

    /** One attempt: build the upstream request, call the upstream, relay its answer. */
    private Outcome attempt(Attempt a, ClientSink sink) throws IOException {
        UpstreamRequest request;
        switch (requests.build(a)) {
            case RequestBuilder.Refused r -> {
                return r.failure();
            }
            case RequestBuilder.Local local -> {
                JsonRelay.sendQuietly(sink, local.json(), a.call());
                return new Outcome.Done();
            }
            case RequestBuilder.Ready ready -> request = ready.request();
        }
        return switch (caller.call(a, request)) {
            case UpstreamCaller.Refused r -> r.failure();
            case UpstreamCaller.Answer answer -> a.call().stream() ? streams.relay(a, answer.response(), sink)
                    : json.relay(a, answer.response(), sink);
        };
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
