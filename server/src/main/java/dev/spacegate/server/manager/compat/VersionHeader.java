package dev.spacegate.server.manager.compat;

import dev.spacegate.server.Version;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Spacegate's version on every management response, in CLIProxyAPI's header ({@code X-CPA-VERSION}, which its
 * panel and scripts read) and in {@code X-Spacegate-Version}.
 */
public final class VersionHeader implements Filter {
    public static final HeaderName CPA_VERSION = HeaderNames.create("X-CPA-VERSION");
    public static final HeaderName SPACEGATE_VERSION = HeaderNames.create("X-Spacegate-Version");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (req.path().rawPath().startsWith("/v0/management")) {
            String v = Version.current();
            res.header(CPA_VERSION, v);
            res.header(SPACEGATE_VERSION, v);
        }
        chain.proceed();
    }
}
