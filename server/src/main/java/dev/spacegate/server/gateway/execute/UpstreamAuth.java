package dev.spacegate.server.gateway.execute;

import java.util.Map;
import java.util.Optional;

import dev.spacegate.server.gateway.pool.Credential;

/**
 * How credentials whose secret changes at run time (OAuth auth files) authenticate upstream: the live token
 * goes into the headers, and a 401 may be answered by one refresh before the same credential is tried again.
 */
public interface UpstreamAuth {

    /** Adjusts the upstream headers of {@code c} (sets its live bearer token and provider headers); returns the token used, or null. */
    String apply(Credential c, Map<String, String> headers);

    /**
     * Called once after the upstream answered 401 to {@code usedToken}: refreshes (or adopts a token another
     * thread or replica already refreshed) and returns the token to retry with, or empty when retrying is pointless.
     */
    Optional<String> refreshAfterUnauthorized(Credential c, String usedToken);

    /** The upstream URL for the credential (some upstreams lay out their paths differently); unchanged by default. */
    default String upstreamUrl(Credential c, String url) {
        return url;
    }

    /** API-key credentials only: nothing changes. */
    UpstreamAuth NONE = new UpstreamAuth() {
        @Override
        public String apply(Credential c, Map<String, String> headers) {
            return null;
        }

        @Override
        public Optional<String> refreshAfterUnauthorized(Credential c, String usedToken) {
            return Optional.empty();
        }
    };
}
