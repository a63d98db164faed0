package dev.spacegate.server.routing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.spacegate.server.web.ClientAddress;

/**
 * Relays one WebSocket connection to an external upstream, frame by frame in both directions. The upstream
 * connection is opened during the client's upgrade, so an unreachable upstream refuses the upgrade.
 */
final class WsRelay implements WsListener {
    private static final System.Logger LOG = System.getLogger(WsRelay.class.getName());
    /**
     * Headers the JDK client sets itself or refuses, and the client's own forwarding claims (replaced below, as the
     * HTTP {@link Forwarder} does); everything else (auth, beta flags) is passed on.
     */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "upgrade", "content-length",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions", "sec-websocket-accept",
            "sec-websocket-protocol", "expect", "te", "trailer", "transfer-encoding", "keep-alive",
            "x-forwarded-for", "x-real-ip", "forwarded");
    private static final Set<String> FROM_TRUSTED_PROXY = Set.of("x-forwarded-proto", "x-forwarded-host");

    private final HttpClient http;
    private final URI target;
    private final ClientAddress.Upgrade clientAddress;
    private volatile WebSocket upstream;
    private volatile WsSession client;

    WsRelay(HttpClient http, URI target, ClientAddress.Upgrade clientAddress) {
        this.http = http;
        this.target = target;
        this.clientAddress = clientAddress;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        for (Header h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!NOT_FORWARDED.contains(name)
                    && (clientAddress.viaTrustedProxy() || !FROM_TRUSTED_PROXY.contains(name))) {
                b.header(h.name(), h.get());
            }
        }
        if (!clientAddress.address().isEmpty()) {
            b.header("X-Forwarded-For", clientAddress.address());
            b.header("X-Real-IP", clientAddress.address());
        }
        try {
            upstream = b.buildAsync(target, new Upstream()).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket upstream could not be reached ("
                    + e.getClass().getSimpleName() + ")");
            throw new WsUpgradeException("upstream unreachable");
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        client = session;
        upstream.request(1);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        upstream.sendText(text, last).join();
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        upstream.sendBinary(ByteBuffer.wrap(bytes), last).join();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (!upstream.isOutputClosed()) {
            upstream.sendClose(status, reason == null ? "" : reason);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        upstream.abort();
    }

    private final class Upstream implements WebSocket.Listener {
        @Override
        public void onOpen(WebSocket ws) {
            // Frames are requested once the client side is open (see WsRelay.onOpen).
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            client.send(data.toString(), last);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            client.send(BufferData.create(bytes), last);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            client.close(status, reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            WsSession c = client;
            if (c != null) {
                c.close(1011, "upstream error");
            }
        }
    }
}
