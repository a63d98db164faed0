package dev.spacegate.server.routing;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * A part of the server that the route table can hand a request to (gateway, manager, panel, forwarder).
 *
 * <p>{@code path} is the normalised path after any prefix rewrite; owners must use it instead of
 * {@code req.path()} so that authentication and dispatch see exactly what the router decided on.
 */
public interface RouteOwner {
    void serve(ServerRequest req, ServerResponse res, String path) throws Exception;
}
