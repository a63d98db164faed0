package dev.spacegate.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 client for upstream calls. Keeps idle connections per target and proxy, never follows redirects,
 * never sends {@code Expect: 100-continue}, and hands the body back as a stream so server-sent events pass
 * through as they arrive. One blocking socket per exchange: callers run on virtual threads.
 *
 * <p>Over 400 lines: the idle-connection pool, the proxy tunnel (HTTP CONNECT) and one exchange share the
 * client's state; the wire pieces are their own classes ({@link Connection}, {@link Response}, {@link Socks5}).
 */
public final class OutboundClient {
    /** Idle connections older than this are closed rather than reused: servers drop idle keep-alives. */
    private static final long IDLE_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int MAX_IDLE_PER_ROUTE = 256;
    private static final int MAX_HEADERS = 256;

    private final int connectTimeoutMs;
    private final long readTimeoutNanos;
    private final SSLSocketFactory tls;
    private final Map<Route, IdleConnections> idle = new ConcurrentHashMap<>();

    /** Where a pooled connection goes: scheme, target and the proxy on the way (hash computed once per call). */
    record Route(boolean https, String host, int port, ProxySpec proxy, int hash) {
        Route(boolean https, String host, int port, ProxySpec proxy) {
            this(https, host, port, proxy, Objects.hash(https, host, port, proxy));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Route r && r.hash == hash && r.port == port && r.https == https && r.host.equals(host)
                    && r.proxy.equals(proxy);
        }
    }

    public OutboundClient(Duration connectTimeout, Duration readTimeout, SSLSocketFactory tls) {
        this.connectTimeoutMs = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.readTimeoutNanos = readTimeout.toNanos();
        ReadWatchdog.get().timeout(readTimeoutNanos);
        this.tls = tls;
    }

    public OutboundClient(Duration connectTimeout, Duration readTimeout) {
        this(connectTimeout, readTimeout, (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    /** Sends a request with an in-memory body ({@code null} for none) and returns once the head has arrived. */
    public Response send(String method, URI uri, Map<String, String> headers, byte[] body, ProxySpec proxy)
            throws IOException {
        return send(method, uri, headers.entrySet(), body == null ? null : new BodySource.Bytes(body), proxy);
    }

    /**
     * Sends a request whose body is streamed ({@code null} for none) and returns once the head has arrived.
     * Header names are sent as given; {@code content-length}, {@code transfer-encoding}, {@code connection} and
     * {@code expect} are set by the client, and {@code host} is the URI's authority unless a header gives one.
     */
    public Response send(String method, URI uri, Iterable<Map.Entry<String, String>> headers, BodySource body,
                         ProxySpec proxy) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IOException("only http:// and https:// upstreams are supported");
        }
        if (uri.getHost() == null) {
            throw new IOException("the upstream URL has no host");
        }
        boolean https = scheme.equals("https");
        String host = bare(uri.getHost());
        int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
        Route route = new Route(https, host, port, proxy == null ? ProxySpec.DIRECT : proxy);
        byte[] head = head(method, uri, route, headers, body);
        Connection c = pooled(route);
        if (c != null) {
            try {
                return exchange(c, head, body, method);
            } catch (StaleConnection e) {
                // the server closed a kept-alive connection before reading our request: send it once more
                if (body != null && !body.replayable()) {
                    throw new IOException("the upstream closed a reused connection", e.getCause());
                }
            }
        }
        return exchange(open(route), head, body, method);
    }

    private Response exchange(Connection c, byte[] head, BodySource body, String method) throws IOException {
        try {
            c.startResponse();
            OutputStream out = c.output();
            if (body instanceof BodySource.Bytes b && b.bytes().length <= 64 * 1024) {
                // one write: no extra segment and no wait on the peer's delayed ACK
                byte[] all = new byte[head.length + b.bytes().length];
                System.arraycopy(head, 0, all, 0, head.length);
                System.arraycopy(b.bytes(), 0, all, head.length, b.bytes().length);
                out.write(all);
            } else {
                out.write(head);
                if (body != null) {
                    body.writeTo(out);
                }
            }
            out.flush();
            return readResponse(c, method);
        } catch (SocketTimeoutException e) {
            c.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            c.close();
            if (c.reused && !c.receivedAnything() && e instanceof IOException io) {
                throw new StaleConnection(io);
            }
            throw e;
        }
    }

    private Response readResponse(Connection c, String method) throws IOException {
        while (true) {
            String line = c.readLine();
            if (!line.startsWith("HTTP/1.") || line.length() < 12) {
                throw new IOException("the upstream did not answer with HTTP/1.x");
            }
            int status;
            try {
                status = Integer.parseInt(line.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("the upstream sent a malformed status line");
            }
            Map<String, List<String>> headers = readHeaders(c);
            if (status >= 100 && status < 200 && status != 101) {
                continue; // 100 Continue, 103 Early Hints: the real answer follows
            }
            String reason = line.length() > 13 ? line.substring(13) : "";
            // a 101 answer's bytes are the upgraded protocol: read until close, never pooled
            boolean bodyless = method.equals("HEAD") || status == 204 || status == 304;
            return new Response(status, reason, headers, c, this, bodyless);
        }
    }

    private static Map<String, List<String>> readHeaders(Connection c) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 0; ; i++) {
            String line = c.readLine();
            if (line.isEmpty()) {
                return headers;
            }
            if (i == MAX_HEADERS) {
                throw new IOException("the upstream sent more than " + MAX_HEADERS + " headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("the upstream sent a malformed header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>(1)).add(line.substring(colon + 1).trim());
        }
    }

    private static byte[] head(String method, URI uri, Route route, Iterable<Map.Entry<String, String>> headers,
                               BodySource body) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(method).append(' ');
        String authority = authority(route.host(), route.port(), route.https());
        if (route.proxy().type() == ProxySpec.Type.HTTP && !route.https()) {
            sb.append("http://").append(authority);
        }
        String path = uri.getRawPath();
        sb.append(path == null || path.isEmpty() ? "/" : path);
        if (uri.getRawQuery() != null) {
            sb.append('?').append(uri.getRawQuery());
        }
        sb.append(" HTTP/1.1\r\n");
        int hostAt = sb.length();
        String host = null;
        for (Map.Entry<String, String> h : headers) {
            String name = h.getKey();
            if (name.equalsIgnoreCase("host")) {
                // a reverse proxy passes its client's Host on; the connection still goes to the URI's authority
                if (host == null) {
                    checkValue(h.getValue());
                    host = h.getValue();
                }
                continue;
            }
            if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                    || name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("expect")) {
                continue;
            }
            checkToken(name);
            checkValue(h.getValue());
            sb.append(name).append(": ").append(h.getValue()).append("\r\n");
        }
        sb.insert(hostAt, "host: " + (host == null ? authority : host) + "\r\n");
        if (route.proxy().type() == ProxySpec.Type.HTTP && !route.https() && route.proxy().user() != null) {
            sb.append("proxy-authorization: ").append(basic(route.proxy())).append("\r\n");
        }
        if (body == null) {
            if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
                sb.append("content-length: 0\r\n");
            }
        } else if (body.length() >= 0) {
            sb.append("content-length: ").append(body.length()).append("\r\n");
        } else {
            sb.append("transfer-encoding: chunked\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private Connection pooled(Route route) {
        IdleConnections q = idle.get(route);
        return q == null ? null : q.take(System.nanoTime());
    }

    void release(Connection c) {
        idle.computeIfAbsent(c.route, r -> new IdleConnections()).put(c, System.nanoTime());
    }

    /** Closes every idle connection. */
    public void closeIdle() {
        idle.values().forEach(IdleConnections::closeAll);
    }

    private Connection open(Route route) throws IOException {
        ProxySpec proxy = route.proxy();
        Socket socket = new Socket();
        Socket tcp = socket;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.setSoTimeout(connectTimeoutMs);
            String host = proxy.type() == ProxySpec.Type.DIRECT ? route.host() : proxy.host();
            int port = proxy.type() == ProxySpec.Type.DIRECT ? route.port() : proxy.port();
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            switch (proxy.type()) {
                case SOCKS5 -> Socks5.connect(socket, proxy, route.host(), route.port());
                case HTTP -> {
                    if (route.https()) {
                        tunnel(socket, route);
                    }
                }
                case DIRECT -> {
                }
            }
            if (route.https()) {
                socket = handshake(socket, route.host(), route.port());
            }
            // the connect timeout covered the handshakes; from here on the watchdog times reads (ReadWatchdog)
            socket.setSoTimeout(0);
            return new Connection(route, socket, tcp, readTimeoutNanos);
        } catch (IOException | RuntimeException e) {
            socket.close();
            if (proxy.type() != ProxySpec.Type.DIRECT && !(e instanceof javax.net.ssl.SSLException)) {
                throw new IOException("via proxy " + proxy + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private Socket handshake(Socket raw, String host, int port) throws IOException {
        SSLSocket s = (SSLSocket) tls.createSocket(raw, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        p.setApplicationProtocols(new String[] {"http/1.1"});
        if (!host.contains(":") && !host.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch))) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** Opens a CONNECT tunnel through an HTTP proxy. */
    private static void tunnel(Socket socket, Route route) throws IOException {
        String authority = authority(route.host(), route.port(), true);
        StringBuilder sb = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nhost: ")
                .append(authority).append("\r\n");
        if (route.proxy().user() != null) {
            sb.append("proxy-authorization: ").append(basic(route.proxy())).append("\r\n");
        }
        sb.append("\r\n");
        socket.getOutputStream().write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        // byte by byte: nothing after the head may be consumed, TLS starts right there
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int ch = in.read();
            if (ch < 0) {
                throw new EOFException("the proxy closed the connection during CONNECT");
            }
            if (head.size() > 16 * 1024) {
                throw new IOException("the proxy's CONNECT answer is too long");
            }
            head.write(ch);
            state = ch == '\r' ? (state == 0 || state == 2 ? state + 1 : 1) : ch == '\n' && (state == 1 || state == 3)
                    ? state + 1 : 0;
        }
        String first = head.toString(StandardCharsets.ISO_8859_1);
        first = first.substring(0, first.indexOf('\r'));
        if (first.length() < 12 || !first.startsWith("HTTP/1.") || first.charAt(9) != '2') {
            throw new IOException("the proxy refused the tunnel: " + (first.length() >= 12 ? first.substring(9, 12)
                    : "malformed answer"));
        }
    }

    private static String basic(ProxySpec proxy) {
        return "Basic " + Base64.getEncoder().encodeToString((proxy.user() + ":" + proxy.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String authority(String host, int port, boolean https) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (https ? 443 : 80) ? h : h + ":" + port;
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void checkToken(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch >= 127 || ch == ':') {
                throw new IllegalArgumentException("invalid character in header name");
            }
        }
    }

    private static void checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '\r' || ch == '\n' || ch == 0) {
                throw new IllegalArgumentException("invalid character in header value");
            }
        }
    }

    /**
     * The idle connections of one route, most recently used first: the newest is the least likely to have been
     * dropped by the server, the oldest are closed once past the idle limit or the cap.
     */
    private static final class IdleConnections {
        private final ReentrantLock lock = new ReentrantLock();
        private final ArrayDeque<Connection> stack = new ArrayDeque<>();

        Connection take(long now) {
            while (true) {
                Connection c;
                lock.lock();
                try {
                    c = stack.pollFirst();
                } finally {
                    lock.unlock();
                }
                if (c == null) {
                    return null;
                }
                if (now - c.idleSince < IDLE_NANOS && c.isOpen()) {
                    c.reused = true;
                    return c;
                }
                c.close();
            }
        }

        void put(Connection c, long now) {
            c.idleSince = now;
            Connection evicted = null;
            lock.lock();
            try {
                stack.offerFirst(c);
                Connection oldest = stack.peekLast();
                if (stack.size() > MAX_IDLE_PER_ROUTE || now - oldest.idleSince > IDLE_NANOS) {
                    evicted = stack.pollLast();
                }
            } finally {
                lock.unlock();
            }
            if (evicted != null) {
                evicted.close();
            }
        }

        void closeAll() {
            Connection c;
            while ((c = take(Long.MAX_VALUE)) != null) {
                c.close();
            }
        }
    }

    /** A failure on a reused connection before any byte of the answer: the request may be sent again. */
    private static final class StaleConnection extends IOException {
        StaleConnection(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
