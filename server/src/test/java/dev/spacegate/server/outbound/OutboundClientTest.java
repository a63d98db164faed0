package dev.spacegate.server.outbound;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbound client against real sockets: framing, keep-alive, cancellation, TLS, and real HTTP/SOCKS5 proxies. */
class OutboundClientTest {
    private static final String STORE_PASSWORD = "store-test-not-secret";

    @TempDir
    static Path dir;
    static ScriptedServer plain;
    static ScriptedServer tls;
    static SSLContext trust;
    static volatile CountDownLatch release = new CountDownLatch(1);
    static OutboundClient client;

    @BeforeAll
    static void start() throws Exception {
        plain = new ScriptedServer(OutboundClientTest::answer);
        Path ks = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=upstream",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", STORE_PASSWORD).redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertEquals(0, keytool.waitFor());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, STORE_PASSWORD.toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        tls = new ScriptedServer(server.getServerSocketFactory(), OutboundClientTest::answer);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trust = SSLContext.getInstance("TLS");
        trust.init(null, tmf.getTrustManagers(), null);
        client = new OutboundClient(Duration.ofSeconds(5), Duration.ofSeconds(5), trust.getSocketFactory());
    }

    @AfterAll
    static void stop() throws IOException {
        plain.close();
        tls.close();
    }

    private static boolean answer(ScriptedServer.Request req, OutputStream out, java.net.Socket socket)
            throws Exception {
        String path = req.line().split(" ")[1];
        path = path.startsWith("http://") ? URI.create(path).getRawPath() : path;
        switch (path) {
            case "/json", "/v1/chat/completions" -> {
                String body = "{\"ok\":true,\"got\":" + req.body().length + "}";
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body);
                return true;
            }
            case "/chunked" -> {
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n9;ext=1\r\ndata: a\n\n\r\n");
                release.await(10, TimeUnit.SECONDS);
                ScriptedServer.write(out, "9\r\ndata: b\n\n\r\n0\r\nX-Trailer: t\r\n\r\n");
                return true;
            }
            case "/until-close" -> {
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it");
                return false;
            }
            case "/drops-keepalive" -> {
                // a keep-alive answer, then the server drops the idle connection (as idle timeouts do)
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                return false;
            }
            case "/slow" -> {
                Thread.sleep(1500);
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
            case "/trickle" -> {
                // eight events 100 ms apart: longer in all than a 300 ms read timeout, never silent that long
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
                for (int i = 0; i < 8; i++) {
                    Thread.sleep(100);
                    ScriptedServer.write(out, "data: " + i + "\n\n");
                }
                return false;
            }
            case "/endless" -> {
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: first\n\n");
                // keeps the stream open until the client hangs up
                while (socket.getInputStream().read() >= 0) {
                    Thread.onSpinWait();
                }
                return false;
            }
            case "/continue" -> {
                ScriptedServer.write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                        + "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone");
                return true;
            }
            case "/empty" -> {
                ScriptedServer.write(out, "HTTP/1.1 204 No Content\r\nX-Seen: yes\r\n\r\n");
                return true;
            }
            case "/gzip" -> {
                ByteArrayOutputStream z = new ByteArrayOutputStream();
                try (GZIPOutputStream g = new GZIPOutputStream(z)) {
                    g.write("{\"zipped\":true}".getBytes(StandardCharsets.UTF_8));
                }
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: " + z.size()
                        + "\r\n\r\n");
                out.write(z.toByteArray());
                return true;
            }
            case "/redirect" -> {
                ScriptedServer.write(out, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/elsewhere\r\n"
                        + "Content-Length: 0\r\n\r\n");
                return true;
            }
            case "/short" -> {
                ScriptedServer.write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
                return false;
            }
            case "/garbage" -> {
                ScriptedServer.write(out, "SSH-2.0-OpenSSH\r\n\r\n");
                return false;
            }
            default -> {
                ScriptedServer.write(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                return true;
            }
        }
    }

    private static URI plainUri(String path) {
        return URI.create("http://127.0.0.1:" + plain.port() + path);
    }

    private static URI tlsUri(String path) {
        return URI.create("https://127.0.0.1:" + tls.port() + path);
    }

    private static String text(Response r) throws IOException {
        try (r) {
            return new String(r.decodedBody().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<ScriptedServer.Request> requestsFor(ScriptedServer s, String path) {
        return s.requests.stream().filter(r -> r.line().contains(" " + path + " ") || r.line().contains(path + " HTTP"))
                .toList();
    }

    @Test
    void contentLengthAnswersReuseOneConnection() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
        int before = plain.connections.get();
        for (int i = 0; i < 5; i++) {
            Response r = c.send("POST", plainUri("/json"), Map.of("x-test", "v"), "{\"a\":1}".getBytes(), ProxySpec.DIRECT);
            assertEquals(200, r.status());
            assertEquals("application/json", r.first("Content-Type").orElseThrow());
            assertEquals("{\"ok\":true,\"got\":7}", text(r));
        }
        assertEquals(before + 1, plain.connections.get(), "one kept-alive connection for five calls");
        ScriptedServer.Request last = plain.requests.get(plain.requests.size() - 1);
        assertEquals("POST /json HTTP/1.1", last.line());
        assertEquals("127.0.0.1:" + plain.port(), last.header("host"));
        assertEquals("7", last.header("content-length"));
        assertEquals("v", last.header("x-test"));
        assertNull(last.header("expect"), "never Expect: 100-continue");
    }

    @Test
    void aGivenHostHeaderReplacesTheAuthority() throws Exception {
        text(client.send("GET", plainUri("/json"), List.of(Map.entry("Host", "my-space.hf.space")), null,
                ProxySpec.DIRECT));
        assertEquals("my-space.hf.space", plain.requests.get(plain.requests.size() - 1).header("host"));
    }

    @Test
    void chunkedBodiesArriveAsTheyAreSent() throws Exception {
        release = new CountDownLatch(1);
        Response r = client.send("POST", plainUri("/chunked"), Map.of(), new byte[0], ProxySpec.DIRECT);
        InputStream in = r.body();
        byte[] buf = new byte[64];
        int n = in.read(buf);
        // the second chunk is held back until the first one has been read: the body streams
        assertEquals("data: a\n\n", new String(buf, 0, n, StandardCharsets.UTF_8));
        release.countDown();
        assertEquals("data: b\n\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(-1, in.read());
        int before = plain.connections.get();
        assertEquals(200, client.send("POST", plainUri("/json"), Map.of(), new byte[0], ProxySpec.DIRECT).status());
        assertEquals(before, plain.connections.get(), "the connection went back to the pool after the last chunk");
    }

    @Test
    void aBodyUntilCloseIsReadWholeAndTheConnectionIsNotReused() throws Exception {
        int before = plain.connections.get();
        assertEquals("all of it", text(client.send("GET", plainUri("/until-close"), Map.of(), null, ProxySpec.DIRECT)));
        assertEquals("all of it", text(client.send("GET", plainUri("/until-close"), Map.of(), null, ProxySpec.DIRECT)));
        assertEquals(before + 2, plain.connections.get());
    }

    @Test
    void aDroppedKeptAliveConnectionIsRetriedOnceOnAFreshOne() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertEquals("ok", text(c.send("POST", plainUri("/drops-keepalive"), Map.of(), new byte[0], ProxySpec.DIRECT)));
        int jsonBefore = requestsFor(plain, "/json").size();
        Response r = c.send("POST", plainUri("/json"), Map.of(), "{}".getBytes(), ProxySpec.DIRECT);
        assertEquals(200, r.status());
        text(r);
        assertEquals(jsonBefore + 1, requestsFor(plain, "/json").size(), "delivered exactly once");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read never ended blocks forever
    void aSlowUpstreamHitsTheReadTimeoutWithoutASecondAttempt() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofMillis(300));
        int before = requestsFor(plain, "/slow").size();
        assertThrows(SocketTimeoutException.class,
                () -> c.send("POST", plainUri("/slow"), Map.of(), new byte[0], ProxySpec.DIRECT));
        assertEquals(before + 1, requestsFor(plain, "/slow").size());
    }

    @Test
    void theReadTimeoutIsPerReadSoAStreamThatKeepsSendingOutlastsIt() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofMillis(300));
        String body = text(c.send("POST", plainUri("/trickle"), Map.of(), new byte[0], ProxySpec.DIRECT));
        assertEquals(8, body.split("\n\n").length, body);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read never ended blocks forever
    void aStreamThatFallsSilentHitsTheReadTimeoutAndItsConnectionIsNotReused() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofMillis(300));
        Response r = c.send("POST", plainUri("/endless"), Map.of(), new byte[0], ProxySpec.DIRECT);
        InputStream in = r.body();
        assertTrue(in.read(new byte[64]) > 0);
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[64]));
        r.close();
        int connections = plain.connections.get();
        assertEquals("{\"ok\":true,\"got\":2}", text(c.send("POST", plainUri("/json"), Map.of(), "{}".getBytes(),
                ProxySpec.DIRECT)));
        assertEquals(connections + 1, plain.connections.get(), "a timed-out connection is never handed out again");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a read never ended blocks forever
    void aSlowTlsUpstreamHitsTheReadTimeout() throws Exception {
        OutboundClient c = new OutboundClient(Duration.ofSeconds(5), Duration.ofMillis(300), trust.getSocketFactory());
        assertThrows(SocketTimeoutException.class,
                () -> c.send("POST", tlsUri("/slow"), Map.of(), new byte[0], ProxySpec.DIRECT));
        assertEquals("{\"ok\":true,\"got\":2}", text(c.send("POST", tlsUri("/json"), Map.of(), "{}".getBytes(),
                ProxySpec.DIRECT)));
    }

    @Test
    void closingFromAnotherThreadCancelsABodyBeingRead() throws Exception {
        Response r = client.send("POST", plainUri("/endless"), Map.of(), new byte[0], ProxySpec.DIRECT);
        InputStream in = r.body();
        byte[] buf = new byte[64];
        assertTrue(in.read(buf) > 0);
        int openBefore = plain.open.size();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Class<?>> reader = ex.submit(() -> {
                try {
                    while (in.read(buf) >= 0) {
                        Thread.onSpinWait();
                    }
                    return null;
                } catch (IOException e) {
                    return e.getClass();
                }
            });
            Thread.sleep(100);
            r.close();
            assertTrue(IOException.class.isAssignableFrom(reader.get(5, TimeUnit.SECONDS)),
                    "the blocked read ends with an error");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (plain.open.size() >= openBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(plain.open.size() < openBefore, "the upstream saw the connection close");
    }

    @Test
    void interimAnswersAreSkippedAndBodylessAnswersKeepTheConnection() throws Exception {
        Response r = client.send("POST", plainUri("/continue"), Map.of(), new byte[0], ProxySpec.DIRECT);
        assertEquals(201, r.status());
        assertEquals("done", text(r));
        int before = plain.connections.get();
        Response e = client.send("DELETE", plainUri("/empty"), Map.of(), null, ProxySpec.DIRECT);
        assertEquals(204, e.status());
        assertEquals("yes", e.first("x-seen").orElseThrow());
        assertEquals(-1, e.body().read());
        assertEquals(404, client.send("GET", plainUri("/nothing"), Map.of(), null, ProxySpec.DIRECT).status());
        assertEquals(before, plain.connections.get());
    }

    @Test
    void gzipIsUndoneOnRequest() throws Exception {
        Response r = client.send("GET", plainUri("/gzip"), Map.of(), null, ProxySpec.DIRECT);
        assertEquals("{\"zipped\":true}", text(r));
    }

    @Test
    void redirectsAreReturnedNotFollowed() throws Exception {
        Response r = client.send("POST", plainUri("/redirect"), Map.of(), new byte[0], ProxySpec.DIRECT);
        assertEquals(302, r.status());
        assertEquals("http://127.0.0.1:9/elsewhere", r.first("location").orElseThrow());
        r.close();
    }

    @Test
    void brokenAnswersAreErrorsNotData() throws Exception {
        Response r = client.send("GET", plainUri("/short"), Map.of(), null, ProxySpec.DIRECT);
        IOException e = assertThrows(IOException.class, () -> r.body().readAllBytes());
        assertTrue(e.getMessage().contains("before the body ended"), e.getMessage());
        assertThrows(IOException.class, () -> client.send("GET", plainUri("/garbage"), Map.of(), null, ProxySpec.DIRECT));
        assertThrows(IOException.class, () -> client.send("GET", URI.create("http://127.0.0.1:1/"), Map.of(), null,
                ProxySpec.DIRECT));
    }

    @Test
    void headerInjectionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> client.send("POST", plainUri("/json"),
                Map.of("x-evil", "a\r\nx-injected: 1"), new byte[0], ProxySpec.DIRECT));
        assertThrows(IllegalArgumentException.class, () -> client.send("POST", plainUri("/json"),
                Map.of("bad name", "v"), new byte[0], ProxySpec.DIRECT));
    }

    @Test
    void streamedBodiesGoChunkedOrWithTheirLength() throws Exception {
        byte[] big = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        List<Map.Entry<String, String>> h = List.of(Map.entry("content-type", "text/plain"));
        Response r = client.send("POST", plainUri("/json"), h,
                new BodySource.Streamed(new java.io.ByteArrayInputStream(big), -1), ProxySpec.DIRECT);
        assertEquals("{\"ok\":true,\"got\":100000}", text(r));
        ScriptedServer.Request seen = plain.requests.get(plain.requests.size() - 1);
        assertEquals("chunked", seen.header("transfer-encoding"));
        r = client.send("POST", plainUri("/json"), h,
                new BodySource.Streamed(new java.io.ByteArrayInputStream(big), big.length), ProxySpec.DIRECT);
        assertEquals("{\"ok\":true,\"got\":100000}", text(r));
        assertEquals("100000", plain.requests.get(plain.requests.size() - 1).header("content-length"));
    }

    @Test
    void concurrentCallsEachGetTheirOwnAnswer() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> fs = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                byte[] body = "y".repeat(i).getBytes(StandardCharsets.US_ASCII);
                fs.add(ex.submit(() -> text(client.send("POST", plainUri("/json"), Map.of(), body, ProxySpec.DIRECT))));
            }
            for (int i = 0; i < 32; i++) {
                assertEquals("{\"ok\":true,\"got\":" + i + "}", fs.get(i).get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void tlsUpstreamsAreVerified() throws Exception {
        assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", tlsUri("/json"), Map.of(), "{}".getBytes(),
                ProxySpec.DIRECT)));
        int before = tls.connections.get();
        text(client.send("POST", tlsUri("/json"), Map.of(), "{}".getBytes(), ProxySpec.DIRECT));
        assertEquals(before, tls.connections.get(), "TLS connections are kept alive too");
        // the certificate names 127.0.0.1 only
        assertThrows(SSLHandshakeException.class, () -> client.send("POST",
                URI.create("https://localhost:" + tls.port() + "/json"), Map.of(), new byte[0], ProxySpec.DIRECT));
        // a client that does not trust the test CA refuses the upstream
        OutboundClient defaults = new OutboundClient(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThrows(SSLHandshakeException.class, () -> defaults.send("POST", tlsUri("/json"), Map.of(), new byte[0],
                ProxySpec.DIRECT));
    }

    @Test
    void httpProxyCarriesPlainRequestsAndTunnelsTls() throws Exception {
        try (ProxyDaemons.Daemon proxy = ProxyDaemons.tinyproxy(dir)) {
            ProxySpec good = ProxySpec.parse("http://" + ProxyDaemons.HTTP_USER + ":" + ProxyDaemons.HTTP_PASSWORD
                    + "@127.0.0.1:" + proxy.port());
            int before = requestsFor(plain, "/json").size();
            assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", plainUri("/json"), Map.of(),
                    "{}".getBytes(), good)));
            ScriptedServer.Request seen = plain.requests.get(plain.requests.size() - 1);
            assertEquals(before + 1, requestsFor(plain, "/json").size());
            assertNull(seen.header("proxy-authorization"), "the proxy's credentials stay with the proxy");

            assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", tlsUri("/json"), Map.of(),
                    "{}".getBytes(), good)));

            ProxySpec anonymous = ProxySpec.parse("http://127.0.0.1:" + proxy.port());
            Response denied = client.send("POST", plainUri("/json"), Map.of(), "{}".getBytes(), anonymous);
            assertEquals(407, denied.status());
            denied.close();
            IOException e = assertThrows(IOException.class, () -> client.send("POST", tlsUri("/json"), Map.of(),
                    "{}".getBytes(), anonymous));
            assertTrue(e.getMessage().contains("refused the tunnel: 407"), e.getMessage());
            assertFalse(e.getMessage().contains(ProxyDaemons.HTTP_PASSWORD));
        }
    }

    @Test
    void socks5ProxiesWithAndWithoutAuthentication() throws Exception {
        try (ProxyDaemons.Daemon open = ProxyDaemons.dante(dir, false);
             ProxyDaemons.Daemon locked = ProxyDaemons.dante(dir, true)) {
            ProxySpec none = ProxySpec.parse("socks5://127.0.0.1:" + open.port());
            assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", plainUri("/json"), Map.of(),
                    "{}".getBytes(), none)));
            assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", tlsUri("/json"), Map.of(),
                    "{}".getBytes(), none)));
            // socks5h: the name is resolved by the proxy
            ProxySpec remoteDns = ProxySpec.parse("socks5h://127.0.0.1:" + open.port());
            Response byName = client.send("POST", URI.create("http://localhost:" + plain.port() + "/json"), Map.of(),
                    "{}".getBytes(), remoteDns);
            assertEquals(200, byName.status());
            text(byName);

            ProxySpec user = ProxySpec.parse("socks5://" + ProxyDaemons.SOCKS_USER + ":" + ProxyDaemons.SOCKS_PASSWORD
                    + "@127.0.0.1:" + locked.port());
            assertEquals("{\"ok\":true,\"got\":2}", text(client.send("POST", plainUri("/json"), Map.of(),
                    "{}".getBytes(), user)));
            ProxySpec wrong = ProxySpec.parse("socks5://" + ProxyDaemons.SOCKS_USER + ":wrong-not-secret@127.0.0.1:"
                    + locked.port());
            IOException e = assertThrows(IOException.class, () -> client.send("POST", plainUri("/json"), Map.of(),
                    "{}".getBytes(), wrong));
            assertTrue(e.getMessage().contains("rejected the user name or password"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-not-secret"), e.getMessage());
            IOException anonymous = assertThrows(IOException.class, () -> client.send("POST", plainUri("/json"),
                    Map.of(), "{}".getBytes(), ProxySpec.parse("socks5://127.0.0.1:" + locked.port())));
            assertTrue(anonymous.getMessage().contains("wants a user name and password"), anonymous.getMessage());
            IOException refused = assertThrows(IOException.class, () -> client.send("POST",
                    URI.create("http://127.0.0.1:1/json"), Map.of(), "{}".getBytes(), none));
            assertTrue(refused.getMessage().contains("could not connect"), refused.getMessage());
        }
    }

    @Test
    void proxyUrlsAreParsedWithoutLeakingPasswords() {
        ProxySpec p = ProxySpec.parse("socks5://u%40x:p%3Ass-not-secret@[::1]:1081");
        assertEquals(ProxySpec.Type.SOCKS5, p.type());
        assertEquals("::1", p.host());
        assertEquals(1081, p.port());
        assertEquals("u@x", p.user());
        assertEquals("p:ss-not-secret", p.password());
        assertFalse(p.toString().contains("not-secret"), p.toString());
        assertEquals(1080, ProxySpec.parse("socks5h://h").port());
        assertEquals(80, ProxySpec.parse("http://h").port());
        assertEquals(ProxySpec.DIRECT, ProxySpec.parse("direct"));
        assertEquals(ProxySpec.DIRECT, ProxySpec.parse(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProxySpec.parse("ftp://u:hunter2-not-secret@h"));
        assertFalse(e.getMessage().contains("hunter2"));
        assertThrows(IllegalArgumentException.class, () -> ProxySpec.parse("https://h:443"));
        assertThrows(IllegalArgumentException.class, () -> ProxySpec.parse("socks5://"));
    }
}
