package dev.spacegate.server.routing;

import java.util.Base64;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

/**
 * Checks a WebSocket upgrade's {@code Sec-WebSocket-Key} before Helidon's upgrade code hashes it: Helidon 4.1.2
 * decodes it unguarded, so a key that is not base64 ended in a 500. {@link WsDispatch} declines such an upgrade and
 * {@link Router} answers the request 400 in the API's error format.
 */
final class WebSocketKey {
    private static final HeaderName KEY = HeaderNames.create("Sec-WebSocket-Key");

    private WebSocketKey() {
    }

    /** True when {@code headers} ask for a WebSocket upgrade with a key that is not base64 of 16 bytes (RFC 6455). */
    static boolean invalidUpgrade(Headers headers) {
        if (!headers.contains(HeaderNames.UPGRADE) || !headers.contains(KEY)
                || !headers.get(HeaderNames.UPGRADE).get().equalsIgnoreCase("websocket")) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(headers.get(KEY).get()).length != 16;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
