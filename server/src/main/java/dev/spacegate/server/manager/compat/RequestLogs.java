package dev.spacegate.server.manager.compat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.server.routing.RequestLog;
import io.helidon.http.Header;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * CLIProxyAPI's {@code request-log}: when on (off by default), the last {@value #CAPACITY} API requests are kept in
 * memory by request id: method, path (no query string), headers with every credential-bearing value redacted,
 * status, duration, and from the stored usage record the model, provider, credential and the upstream's error (its
 * stored summary: secrets and e-mail addresses redacted, at most 4 KiB).
 * Bodies are not kept. Read with {@code GET /v0/management/request-log-by-id/:id}.
 */
public final class RequestLogs implements Filter {
    static final int CAPACITY = 200;
    private static final List<String> SECRET_WORDS = List.of("key", "token", "secret", "auth", "password", "cookie",
            "signature", "session");

    private final Map<String, StringBuilder> entries = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StringBuilder> eldest) {
            return size() > CAPACITY;
        }
    };
    private volatile boolean enabled;

    /** Turns capturing on or off ({@code request-log} of the config). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().rawPath();
        if (!enabled || path.startsWith("/v0/management") || path.startsWith("/panel/") || path.startsWith("/cpm")) {
            chain.proceed();
            return;
        }
        long start = System.nanoTime();
        Instant at = Instant.now();
        try {
            chain.proceed();
        } finally {
            // the id the client was given (the gateway may answer with its own), else the router's
            Optional<String> id = res.headers().first(RequestLog.REQUEST_ID)
                    .or(() -> req.context().get(RequestLog.REQUEST_ID_KEY, String.class));
            if (id.isPresent()) {
                StringBuilder sb = new StringBuilder("=== REQUEST INFO ===\n");
                sb.append("Request-Id: ").append(id.get()).append('\n')
                        .append("URL: ").append(path).append('\n')
                        .append("Method: ").append(req.prologue().method().text()).append('\n')
                        .append("Timestamp: ").append(at).append('\n')
                        .append("\n=== HEADERS ===\n");
                for (Header h : req.headers()) {
                    sb.append(h.name()).append(": ").append(secret(h.name()) ? "[redacted]" : h.allValues(true))
                            .append('\n');
                }
                sb.append("\n=== RESPONSE ===\nStatus: ").append(res.status().code()).append('\n')
                        .append("Duration-Ms: ").append((System.nanoTime() - start) / 1_000_000).append('\n');
                synchronized (entries) {
                    entries.put(id.get(), sb);
                }
            }
        }
    }

    /** Adds what the usage records say about logged requests (they are written a moment after the answer). */
    public void usage(List<UsageEvent> records) {
        if (!enabled) {
            return;
        }
        for (UsageEvent r : records) {
            if (r.requestId() == null) {
                continue;
            }
            synchronized (entries) {
                StringBuilder sb = entries.get(r.requestId());
                if (sb == null) {
                    continue;
                }
                // the upstream's model name (the client's alias is in the request)
                sb.append("\n=== UPSTREAM ===\n")
                        .append("Model: ").append(Objects.toString(r.resolvedModel(), "")).append('\n')
                        .append("Provider: ").append(Objects.toString(r.provider(), "")).append('\n')
                        .append("Auth-Index: ").append(Objects.toString(r.authIndex(), "")).append('\n')
                        .append("Failed: ").append(r.failed()).append('\n');
                if (r.failed()) {
                    sb.append("Upstream-Status: ").append(r.failStatusCode() == null ? 0 : r.failStatusCode())
                            .append('\n').append("Upstream-Error: ").append(Objects.toString(r.failSummary(), ""))
                            .append('\n');
                }
            }
        }
    }

    /** The log of one request, if kept. */
    public Optional<String> find(String id) {
        synchronized (entries) {
            StringBuilder sb = entries.get(id);
            return sb == null ? Optional.empty() : Optional.of(sb.toString());
        }
    }

    static boolean secret(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(h::contains);
    }
}
