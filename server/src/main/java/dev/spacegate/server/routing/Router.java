package dev.spacegate.server.routing;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

import java.time.Duration;
import java.util.Map;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The server's one HTTP handler: normalises the path, asks the {@link RouteTable} who owns it and hands the
 * request to that owner (a built-in part or a {@link Forwarder}).
 */
public final class Router implements Handler {
    /** Context key under which the access log finds the owner that served a request. */
    public static final String OWNER_KEY = "spacegate.owner";

    private final RouteTable table;
    private final Map<String, RouteOwner> owners;
    private final long maxBodyBytes;
    private final Duration readTimeout;

    public Router(RouteTable table, Map<String, RouteOwner> owners, long maxBodyBytes) {
        this(table, owners, maxBodyBytes, Duration.ofMinutes(2));
    }

    /** @param readTimeout how long a request body may take to arrive ({@link ReadDeadline}) */
    public Router(RouteTable table, Map<String, RouteOwner> owners, long maxBodyBytes, Duration readTimeout) {
        for (String owner : table.owners()) {
            if (!owners.containsKey(owner)) {
                throw new IllegalArgumentException("route table " + table.name() + " needs an owner '" + owner + "'");
            }
        }
        this.table = table;
        this.owners = Map.copyOf(owners);
        this.maxBodyBytes = maxBodyBytes;
        this.readTimeout = readTimeout;
    }

    public RouteTable table() {
        return table;
    }

    /** True when a failure comes from a charset the request named but the JVM does not know. */
    private static boolean badCharset(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.nio.charset.IllegalCharsetNameException
                    || c instanceof java.nio.charset.UnsupportedCharsetException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        String normalized = PathNormalizer.normalize(req.path().rawPath()).orElse(null);
        if (normalized == null) {
            ErrorFamily.OPENAI.send(res, ClientError.of(400, "invalid_path", "the request path is not valid"));
            return;
        }
        RouteTable.Decision d = table.decide(normalized);
        req.context().register(OWNER_KEY, d.owner());
        if (WebSocketKey.invalidUpgrade(req.headers())) {
            ErrorFamily.OPENAI.send(res, ClientError.of(400, "invalid_websocket_key",
                    "Sec-WebSocket-Key must be the base64 of 16 bytes"));
            return;
        }
        if (d.redirect().isPresent()) {
            String query = req.query().rawValue();
            res.status(Status.FOUND_302);
            res.header(HeaderNames.LOCATION, d.redirect().get() + (query.isEmpty() ? "" : "?" + query));
            res.send();
            return;
        }
        long declared = req.headers().contentLength().orElse(-1L);
        if (declared > maxBodyBytes) {
            ErrorFamily.OPENAI.send(res, ClientError.of(413, "request_too_large",
                    "request body is larger than the limit of " + maxBodyBytes + " bytes").with("owner", d.owner()));
            return;
        }
        req.streamFilter(in -> new BodyLimit(new ReadDeadline(in, readTimeout), maxBodyBytes));
        try {
            owners.get(d.owner()).serve(req, res, d.targetPath());
        } catch (RuntimeException e) {
            if (badCharset(e) && !res.isSent()) {
                ErrorFamily.OPENAI.send(res, ClientError.of(400, "unsupported_charset",
                        "the request's Content-Type names a charset this server cannot read").with("owner", d.owner()));
                return;
            }
            ReadDeadline.TimeoutException late = ReadDeadline.find(e);
            if (late != null && !res.isSent()) {
                res.header(HeaderNames.CONNECTION, "close");
                ErrorFamily.OPENAI.send(res, ClientError.of(408, "request_timeout",
                        late.getMessage()).with("owner", d.owner()));
                return;
            }
            BodyLimit.TooLargeException tooLarge = BodyLimit.find(e);
            if (tooLarge == null || res.isSent()) {
                throw e;
            }
            ErrorFamily.OPENAI.send(res, ClientError.of(413, "request_too_large",
                    tooLarge.getMessage()).with("owner", d.owner()));
        }
    }
}
