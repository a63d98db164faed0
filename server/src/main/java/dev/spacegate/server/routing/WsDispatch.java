package dev.spacegate.server.routing;

import java.util.Map;
import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import dev.spacegate.server.web.ClientAddress;

/**
 * The one WebSocket listener registered for every path: on upgrade it asks the route table for the owner
 * and delegates the connection to that owner's listener, so sockets follow the same table as HTTP.
 */
public final class WsDispatch implements WsListener {
    private static final System.Logger ACCESS = System.getLogger("spacegate.access");

    private final RouteTable table;
    private final Map<String, RouteOwner> owners;
    private final ClientAddress clientAddress;
    private WsListener delegate;

    public WsDispatch(RouteTable table, Map<String, RouteOwner> owners, ClientAddress clientAddress) {
        this.table = table;
        this.owners = owners;
        this.clientAddress = clientAddress;
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (WebSocketKey.invalidUpgrade(headers)) {
            // declined here, the request goes on as plain HTTP and the Router answers 400
            throw new WsUpgradeException("invalid Sec-WebSocket-Key");
        }
        String path = PathNormalizer.normalize(prologue.uriPath().rawPath())
                .orElseThrow(() -> new WsUpgradeException("invalid path"));
        RouteTable.Decision d = table.decide(path);
        RouteOwner owner = owners.get(d.owner());
        Optional<WsListener> listener = owner == null || d.redirect().isPresent() ? Optional.empty()
                : owner.websocket(d.targetPath(), prologue.query().rawValue(), headers, clientAddress.ofUpgrade(headers));
        if (listener.isEmpty()) {
            ACCESS.log(System.Logger.Level.INFO, "WS " + path + " rejected owner=" + d.owner());
            throw new WsUpgradeException("no WebSocket endpoint at " + path);
        }
        ACCESS.log(System.Logger.Level.INFO, "WS " + path + " upgrade owner=" + d.owner());
        delegate = listener.get();
        return delegate.onHttpUpgrade(prologue, headers);
    }

    @Override
    public void onOpen(WsSession session) {
        delegate.onOpen(session);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        delegate.onMessage(session, text, last);
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        delegate.onMessage(session, buffer, last);
    }

    @Override
    public void onPing(WsSession session, BufferData buffer) {
        delegate.onPing(session, buffer);
    }

    @Override
    public void onPong(WsSession session, BufferData buffer) {
        delegate.onPong(session, buffer);
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        if (delegate != null) {
            delegate.onClose(session, status, reason);
        }
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        if (delegate != null) {
            delegate.onError(session, t);
        }
    }
}
