package dev.spacegate.server.routing;

import java.util.List;
import java.util.Optional;

import io.helidon.http.Headers;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.websocket.WsListener;

import dev.spacegate.server.web.ClientAddress;

/**
 * A part of the server that the route table can hand a request to (gateway, manager, panel, forwarder). HTTP
 * requests and WebSocket upgrades reach an owner by the same rules, so every owner answers both: one that has
 * no socket on a path says so with an empty {@link #websocket}.
 *
 * <p>{@code path} is the normalised path after any prefix rewrite; owners must use it instead of
 * {@code req.path()} so that authentication and dispatch see exactly what the router decided on.
 */
public interface RouteOwner {
    void serve(ServerRequest req, ServerResponse res, String path) throws Exception;

    /**
     * Whether this owner has a handler for a method and normalised path, without serving it (the panel asks).
     * Owners that cannot tell (forwarders to an external upstream) answer true.
     */
    default boolean serves(Method method, String path) {
        return true;
    }

    /**
     * The calls this owner has handlers for, as {@code "METHOD /pattern"} ({@link Endpoints#describe()}); empty
     * for owners that cannot tell (forwarders).
     */
    default List<String> endpoints() {
        return List.of();
    }

    /**
     * A listener for one WebSocket connection on the normalised path, or empty when the owner has no socket there;
     * {@code client} is the upgrade's resolved client address (the same rules as {@link ClientAddress#of}).
     */
    default Optional<WsListener> websocket(String path, String rawQuery, Headers upgradeHeaders,
                                           ClientAddress.Upgrade client) {
        return Optional.empty();
    }
}
