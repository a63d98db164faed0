package dev.spacegate.server.routing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Sends a path to an external HTTP upstream (an existing CLIProxyAPI or CPA-Manager), streaming bodies both
 * ways: each upstream read is flushed to the client at once, so SSE events are never held back.
 */
public final class Forwarder implements RouteOwner, WsOwner {
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
    private final WebClient client;
    private final int bufferSize = 16 * 1024;

    public Forwarder(String owner, String baseUrl, Duration readTimeout) {
        this.owner = owner;
        this.base = URI.create(baseUrl);
        this.client = WebClient.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .keepAlive(true)
                .readTimeout(readTimeout)
                .connectTimeout(Duration.ofSeconds(10))
                .shareConnectionCache(false)
                .connectionCacheSize(512)
                .build();
    }

    @Override
    public java.util.Optional<io.helidon.websocket.WsListener> websocket(String path, String rawQuery,
                                                                        io.helidon.http.Headers headers) {
        String scheme = base.getScheme().equals("https") ? "wss" : "ws";
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        URI target = URI.create(scheme + "://" + base.getRawAuthority() + basePath + path
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
        return java.util.Optional.of(new WsRelay(WS_CLIENT, target));
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) {
        Method method = req.prologue().method();
        String rawQuery = req.query().rawValue();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        String target = base.getScheme() + "://" + base.getRawAuthority() + basePath + path
                + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);

        HttpClientRequest out = client.method(method).uri(target).skipUriEncoding(true);
        Set<String> dropped = connectionTokens(req);
        out.headers(h -> {
            for (Header header : req.headers()) {
                String name = header.name().toLowerCase(Locale.ROOT);
                if (HOP_BY_HOP.contains(name) || dropped.contains(name)) {
                    continue;
                }
                h.set(header);
            }
            String peer = peerAddress(req);
            String prior = req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null);
            h.set(HeaderNames.X_FORWARDED_FOR, prior == null || prior.isBlank() ? peer : prior + ", " + peer);
            h.set(HeaderNames.X_FORWARDED_PROTO, req.headers().first(HeaderNames.X_FORWARDED_PROTO)
                    .orElse(req.isSecure() ? "https" : "http"));
            req.headers().first(HeaderNames.HOST).ifPresent(host -> {
                h.set(HeaderNames.X_FORWARDED_HOST, req.headers().first(HeaderNames.X_FORWARDED_HOST).orElse(host));
                // Like the seeds' `header_up Host {host}`: the upstream sees the client's Host.
                h.set(HeaderNames.HOST, host);
            });
            h.set(HeaderNames.create("X-Real-IP"), peer);
        });

        HttpClientResponse upstream;
        try {
            if (req.content().hasEntity()) {
                long declared = req.headers().contentLength().orElse(-1L);
                if (declared >= 0) {
                    out.header(HeaderNames.CONTENT_LENGTH, String.valueOf(declared));
                }
                upstream = out.outputStream(os -> {
                    try (InputStream in = req.content().inputStream()) {
                        int n;
                        byte[] buf = new byte[bufferSize];
                        while ((n = in.read(buf)) > 0) {
                            os.write(buf, 0, n);
                            // Helidon's fixed-length client stream keeps a reference to the array, so never reuse it.
                            buf = new byte[bufferSize];
                        }
                    }
                    os.close();
                });
            } else {
                upstream = out.request();
            }
        } catch (BodyLimit.TooLargeException e) {
            ErrorReply.send(res, 413, "invalid_request_error", "request_too_large", e.getMessage(), owner);
            return;
        } catch (RuntimeException e) {
            failUpstream(res, e);
            return;
        }
        try (upstream) {
            relay(req, res, upstream);
        }
    }

    private void relay(ServerRequest req, ServerResponse res, HttpClientResponse upstream) {
        res.status(upstream.status());
        for (Header header : upstream.headers()) {
            String name = header.name().toLowerCase(Locale.ROOT);
            if (name.equals("content-length") || HOP_BY_HOP.contains(name)) {
                continue;
            }
            res.header(header);
        }
        boolean noBody = req.prologue().method() == Method.HEAD
                || upstream.status() == Status.NO_CONTENT_204 || upstream.status() == Status.NOT_MODIFIED_304;
        if (noBody) {
            upstream.headers().contentLength().ifPresent(res::contentLength);
            res.send();
            return;
        }
        String contentType = upstream.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        boolean sse = contentType.startsWith("text/event-stream");
        boolean gzip = !sse && wantsGzip(req) && compressible(contentType)
                && upstream.headers().first(HeaderNames.CONTENT_ENCODING).isEmpty();
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
            res.header(HeaderNames.VARY, "Accept-Encoding");
        } else {
            upstream.headers().contentLength().ifPresent(res::contentLength);
        }
        if (sse) {
            res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        }
        byte[] buf = new byte[bufferSize];
        try (InputStream in = upstream.inputStream(); OutputStream raw = res.outputStream()) {
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

    private void failUpstream(ServerResponse res, RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IOException)) {
            cause = cause.getCause();
        }
        if (cause instanceof SocketTimeoutException || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT)
                .contains("timeout")) {
            LOG.log(System.Logger.Level.WARNING, owner + " upstream timed out");
            ErrorReply.send(res, 504, "upstream_error", "upstream_timeout",
                    "the " + owner + " upstream did not answer in time", owner);
            return;
        }
        String why = cause instanceof ConnectException ? "refused the connection"
                : cause instanceof UnknownHostException ? "host could not be resolved"
                : "could not be reached";
        LOG.log(System.Logger.Level.WARNING, owner + " upstream " + why + " (" + cause.getClass().getSimpleName() + ")");
        ErrorReply.send(res, 502, "upstream_error", "upstream_unreachable",
                "the " + owner + " upstream " + why, owner);
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

    static String peerAddress(ServerRequest req) {
        String host = req.remotePeer().host();
        return host.startsWith("/") ? host.substring(1) : host;
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
