package dev.spacegate.server.routing;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import dev.spacegate.server.outbound.BodySource;
import dev.spacegate.server.outbound.OutboundClient;
import dev.spacegate.server.outbound.ProxySpec;
import dev.spacegate.server.outbound.Response;
import dev.spacegate.server.web.ClientAddress;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends a path to an external HTTP upstream (an existing CLIProxyAPI or CPA-Manager), streaming bodies both
 * ways: each upstream read is flushed to the client at once, so SSE events are never held back.
 */
public final class Forwarder implements RouteOwner {
    private static final System.Logger LOG = System.getLogger(Forwarder.class.getName());

    /** Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones the forwarder sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade",
            "expect", "content-length", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "x-real-ip");

    /** One client for every relayed WebSocket (it runs its own selector thread, so it is shared). */
    private static final java.net.http.HttpClient WS_CLIENT = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final String owner;
    private final URI base;
    private final OutboundClient client;
    private final int bufferSize = 16 * 1024;

    public Forwarder(String owner, String baseUrl, Duration readTimeout) {
        this.owner = owner;
        this.base = URI.create(baseUrl);
        this.client = new OutboundClient(Duration.ofSeconds(10), readTimeout);
    }

    @Override
    public java.util.Optional<io.helidon.websocket.WsListener> websocket(String path, String rawQuery,
                                                                        io.helidon.http.Headers headers,
                                                                        ClientAddress.Upgrade client) {
        String scheme = base.getScheme().equals("https") ? "wss" : "ws";
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        URI target = URI.create(scheme + "://" + base.getRawAuthority() + basePath + path
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        return java.util.Optional.of(new WsRelay(WS_CLIENT, target, client));
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) {
        Method method = req.prologue().method();
        String rawQuery = req.query().rawValue();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        URI target = URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + path
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));

        List<Map.Entry<String, String>> headers = new ArrayList<>();
        Set<String> dropped = connectionTokens(req);
        for (Header header : req.headers()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || dropped.contains(name)) {
                continue;
            }
            for (String value : header.allValues()) {
                headers.add(Map.entry(header.name(), value));
            }
        }
        // The upstream is told the resolved client address only: a client's own X-Forwarded-For, -Proto or -Host
        // could otherwise claim to be 127.0.0.1 to a CLIProxyAPI behind us. A trusted proxy's -Proto/-Host stand.
        String resolved = ClientAddress.of(req);
        String clientIp = resolved.startsWith("/") ? resolved.substring(1) : resolved;
        boolean trusted = ClientAddress.viaTrustedProxy(req);
        headers.add(Map.entry("X-Forwarded-For", clientIp));
        String ownProto = req.isSecure() ? "https" : "http";
        headers.add(Map.entry("X-Forwarded-Proto", trusted
                ? req.headers().first(HeaderNames.X_FORWARDED_PROTO).orElse(ownProto) : ownProto));
        // The client's Host was copied above, so the upstream sees it (like the seeds' `header_up Host {host}`).
        req.headers().first(HeaderNames.HOST).ifPresent(host -> headers.add(Map.entry("X-Forwarded-Host",
                trusted ? req.headers().first(HeaderNames.X_FORWARDED_HOST).orElse(host) : host)));
        headers.add(Map.entry("X-Real-IP", clientIp));

        BodySource body = req.content().hasEntity()
                ? new BodySource.Streamed(req.content().inputStream(), req.headers().contentLength().orElse(-1L))
                : null;
        Response upstream;
        try {
            upstream = client.send(method.text(), target, headers, body, ProxySpec.DIRECT);
        } catch (BodyLimit.TooLargeException e) {
            ErrorFamily.OPENAI.send(res, ClientError.of(413, "request_too_large", e.getMessage()).with("owner", owner));
            return;
        } catch (IOException | RuntimeException e) {
            failUpstream(res, e);
            return;
        }
        try (upstream) {
            relay(req, res, upstream);
        }
    }

    private void relay(ServerRequest req, ServerResponse res, Response upstream) {
        res.status(upstream.reason().isEmpty() ? Status.create(upstream.status())
                : Status.create(upstream.status(), upstream.reason()));
        for (Map.Entry<String, List<String>> header : upstream.headers().entrySet()) {
            if (HOP_BY_HOP.contains(header.getKey())) {
                continue;
            }
            res.headers().set(HeaderNames.createFromLowercase(header.getKey()), header.getValue());
        }
        long length = upstream.first("content-length").map(Forwarder::length).orElse(-1L);
        boolean noBody = req.prologue().method() == Method.HEAD
                || upstream.status() == 204 || upstream.status() == 304;
        if (noBody) {
            if (length >= 0) {
                res.contentLength(length);
            }
            res.send();
            return;
        }
        String contentType = upstream.first("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean sse = contentType.startsWith("text/event-stream");
        boolean gzip = !sse && wantsGzip(req) && compressible(contentType)
                && upstream.first("content-encoding").isEmpty();
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.header(HeaderNames.VARY, "Accept-Encoding");
        } else if (length >= 0) {
            res.contentLength(length);
        }
        if (sse) {
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        }
        byte[] buf = new byte[bufferSize];
        // the body stays content-encoded as the upstream sent it: the client asked for that encoding
        try (InputStream in = upstream.body(); OutputStream raw = res.outputStream()) {
            OutputStream os = gzip ? new GZIPOutputStream(raw, bufferSize, true) : raw;
            int n;
            while ((n = in.read(buf)) > 0) {
                os.write(buf, 0, n);
                // Flush each read: an SSE event or a slow chunk must reach the client now, not when a buffer fills.
                os.flush();
            }
            if (gzip) {
                ((GZIPOutputStream) os).finish();
            }
        } catch (IOException | UncheckedIOException e) {
            // The client went away or the upstream cut the stream after headers: nothing useful can be sent now.
            LOG.log(System.Logger.Level.DEBUG, () -> owner + " stream ended early: " + e.getClass().getSimpleName());
        }
    }

    private void failUpstream(ServerResponse res, Exception e) {
        if (e instanceof SocketTimeoutException) {
            LOG.log(System.Logger.Level.WARNING, owner + " upstream timed out");
            ErrorFamily.OPENAI.send(res, ClientError.typed(504, "upstream_error", "upstream_timeout",
                    "the " + owner + " upstream did not answer in time").with("owner", owner));
            return;
        }
        String why = e instanceof ConnectException ? "refused the connection"
                : e instanceof UnknownHostException ? "host could not be resolved"
                : "could not be reached";
        LOG.log(System.Logger.Level.WARNING, owner + " upstream " + why + " (" + e.getClass().getSimpleName() + ")");
        ErrorFamily.OPENAI.send(res, ClientError.typed(502, "upstream_error", "upstream_unreachable",
                "the " + owner + " upstream " + why).with("owner", owner));
    }

    private static Set<String> connectionTokens(ServerRequest req) {
        Set<String> tokens = new HashSet<>();
        for (Header h : req.headers()) {
            if (h.name().equalsIgnoreCase("connection")) {
                for (String v : h.allValues()) {
                    for (String t : v.split(",")) {
                        tokens.add(t.trim().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return tokens;
    }

    private static long length(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean wantsGzip(ServerRequest req) {
        return req.headers().first(HeaderNames.ACCEPT_ENCODING)
                .map(v -> v.toLowerCase(Locale.ROOT).contains("gzip")).orElse(false);
    }

    private static boolean compressible(String contentType) {
        return contentType.startsWith("application/json") || contentType.startsWith("text/")
                || contentType.startsWith("application/javascript") || contentType.contains("+json")
                || contentType.startsWith("application/x-ndjson") || contentType.startsWith("image/svg");
    }
}
