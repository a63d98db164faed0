package dev.spacegate.server.gateway.execute;

import dev.spacegate.server.web.ErrorFamily;
import dev.spacegate.server.gateway.config.GatewayConfig;
import dev.spacegate.server.gateway.pool.Candidate;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.gateway.translate.base.TranslateContext;
import dev.spacegate.server.gateway.translate.Translation;
import dev.spacegate.server.gateway.translate.neutral.Reasoning;
import dev.spacegate.server.gateway.usage.UsageRecord;
import dev.spacegate.server.providers.ApiFormat;
import dev.spacegate.server.providers.ProviderKind;

/**
 * One try of a client call on one candidate, the value every step of the request path takes: the config of the
 * request, the call, the candidate, how it is translated (null: same format), the reasoning a model suffix asked
 * for (null: none), how the credential authenticates, and the attempt's usage record.
 */
public final class Attempt {
    private final GatewayConfig config;
    private final ClientCall call;
    private final Candidate candidate;
    private final Translation translation;
    private final Reasoning reasoning;
    private final UpstreamAuth auth;
    private final UsageRecord usage;
    private final long startNanos = System.nanoTime();
    private final boolean codex;
    private final TranslateContext context;

    Attempt(GatewayConfig config, ClientCall call, Candidate candidate, Translation translation, Reasoning reasoning,
            UpstreamAuth auth, UsageRecord usage) {
        this.config = config;
        this.call = call;
        this.candidate = candidate;
        this.translation = translation;
        this.reasoning = reasoning;
        this.auth = auth;
        this.usage = usage;
        this.codex = candidate.credential().kind() == ProviderKind.CODEX_API_KEY && !call.operation().countsTokens();
        // one context per attempt, shared by the request and the answer (it carries the tool-name map)
        this.context = translation == null && !codex ? null
                : new TranslateContext(call.model(), candidate.upstreamModel(), call.stream())
                .withCodex(codex).withReasoning(reasoning).withThinking(candidate.thinking());
    }

    public GatewayConfig config() {
        return config;
    }

    public ClientCall call() {
        return call;
    }

    public Candidate candidate() {
        return candidate;
    }

    public Credential credential() {
        return candidate.credential();
    }

    /** The translation between the client's and the upstream's format, or null when they are the same. */
    public Translation translation() {
        return translation;
    }

    /** The reasoning a {@code model(high)} suffix asked for, or null. */
    public Reasoning reasoning() {
        return reasoning;
    }

    public UpstreamAuth auth() {
        return auth;
    }

    /** The usage record of this attempt (complete from the start, finished by {@link UsageRecorder}). */
    public UsageRecord usage() {
        return usage;
    }

    public long startNanos() {
        return startNanos;
    }

    public ApiFormat clientFormat() {
        return call.operation().format();
    }

    public ApiFormat upstreamFormat() {
        return candidate.credential().kind().format();
    }

    /** The client's error envelope. */
    public ErrorFamily family() {
        return ErrorFamily.of(clientFormat());
    }

    /** Whether this is a token count. */
    public boolean counting() {
        return call.operation().countsTokens();
    }

    /** Whether the upstream is the Codex backend (which always streams; a JSON answer is folded from it). */
    public boolean codex() {
        return codex;
    }

    /** Whether the upstream is asked for a stream. */
    public boolean upstreamStream() {
        return call.stream() || codex;
    }

    /** The translation context (tool names, ids), or null for a same-format, non-Codex attempt. */
    public TranslateContext context() {
        return context;
    }

    /** Whether a failure may cool the credential down ({@code disable-cooling}, the credential's own first). */
    public boolean cooling() {
        Boolean own = candidate.credential().disableCooling();
        return !(own != null ? own : config.disableCooling());
    }

    /** Milliseconds since the attempt began. */
    public long elapsedMs() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
