package dev.spacegate.server.routing;

import java.util.Optional;

import io.helidon.http.Headers;
import io.helidon.websocket.WsListener;

/** A route owner that also accepts WebSocket upgrades (the gateway's Responses sockets, the forwarder). */
public interface WsOwner {
    /** A listener for one connection on the normalised path, or empty when the owner has no socket there. */
    Optional<WsListener> websocket(String path, String rawQuery, Headers upgradeHeaders);
}
