package dev.spacegate.server.gateway.auth;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Admits a management request or answers it with 401/403 itself (the manager provides the real one). */
@FunctionalInterface
public interface ManagementGuard {
    /** True when the request may proceed; false when the guard has already sent the refusal. */
    boolean admit(ServerRequest req, ServerResponse res);
}
