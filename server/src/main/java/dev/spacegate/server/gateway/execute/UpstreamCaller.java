package dev.spacegate.server.gateway.execute;

import java.io.IOException;
import java.net.URI;

import dev.spacegate.server.outbound.OutboundClient;
import dev.spacegate.server.outbound.ProxySpec;
import dev.spacegate.server.outbound.Response;

/**
 * Step "call the upstream": sends the request (through the credential's proxy or the global one), refreshes an
 * OAuth token once when the upstream answers 401 to it, and hands an error answer to {@link UpstreamErrors}.
 */
final class UpstreamCaller {
    /** The result: an answer to relay (2xx), or a failure sorted into an outcome and a cooldown. */
    sealed interface Called {
    }

    /** A 2xx answer; the relay step reads and closes it. */
    record Answer(Response response) implements Called {
    }

    /** The upstream failed (unreachable, error status, redirect). */
    record Refused(Outcome.Failed failure) implements Called {
    }

    private final OutboundClient client;
    private final UpstreamErrors errors;

    UpstreamCaller(OutboundClient client, UpstreamErrors errors) {
        this.client = client;
        this.errors = errors;
    }

    Called call(Attempt a, UpstreamRequest r) {
        long w0 = System.nanoTime();
        Response resp;
        try {
            resp = sendRefreshingOnce(a, r);
        } catch (IOException | RuntimeException e) {
            a.call().timing().addUpstream(System.nanoTime() - w0);
            return new Refused(errors.unreachable(a));
        }
        a.call().timing().addUpstream(System.nanoTime() - w0);
        int status = resp.status();
        if (status < 200 || status >= 300) {
            return new Refused(errors.answered(a, resp, r.usedToken()));
        }
        return new Answer(resp);
    }

    /** Sends; on a 401 to an OAuth token, refreshes it once and sends again to the same credential. */
    private Response sendRefreshingOnce(Attempt a, UpstreamRequest r) throws IOException {
        Response first = send(a, r);
        if (first.status() != 401 || r.usedToken() == null
                || a.auth().refreshAfterUnauthorized(a.credential(), r.usedToken()).isEmpty()) {
            return first;
        }
        first.close();
        a.auth().apply(a.credential(), r.headers());
        return send(a, r);
    }

    private Response send(Attempt a, UpstreamRequest r) throws IOException {
        String own = a.credential().proxyUrl();
        String proxy = own != null ? own : a.config().proxyUrl();
        return client.send("POST", URI.create(r.url()), r.headers(), r.body(), ProxySpec.of(proxy));
    }
}
