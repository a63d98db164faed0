package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.spacegate.server.testing.RawHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Limits"): what anyone can send without a key is bounded before it is read (finding 4):
 * the OAuth callback reads nothing unless a login waits and then at most 16 KiB; a body that does not arrive in time
 * is cut off with 408; idle connections are closed; connections beyond the cap wait unserved until a slot is free.
 */
class LimitsBeforeAuthTest {
    private static SecureServer server;

    @BeforeAll
    static void start() {
        server = SecureServer.start("", Map.of("REQUEST_READ_TIMEOUT_SECONDS", "2", "IDLE_TIMEOUT_SECONDS", "2"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theOAuthCallbackRefusesBeforeReadingWhenNoLoginWaits() throws Exception {
        HttpResponse<String> r = server.send("POST", "/v0/management/oauth-callback?state=nope",
                "{\"redirect_url\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}", "Content-Type", "application/json");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("unknown or expired login state"), r.body());
    }

    @Test
    void theOAuthCallbackReadsAtMost16KiBWhileALoginWaits() throws Exception {
        HttpResponse<String> login = server.manage("GET", "/v0/management/codex-auth-url", null);
        assertEquals(200, login.statusCode(), login.body());
        String state = SecureServer.JSON.readTree(login.body()).path("state").asText();
        HttpResponse<String> big = server.send("POST", "/v0/management/oauth-callback?state=" + state,
                "{\"code\":\"" + "c".repeat(20 * 1024) + "\"}", "Content-Type", "application/json");
        assertEquals(413, big.statusCode(), big.body());
        HttpResponse<String> other = server.send("POST", "/v0/management/oauth-callback?state=other", "{}");
        assertEquals(400, other.statusCode(), "a state no login waits for is refused unread");
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIsCutOff() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n{\"model\":").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = readAll(s.getInputStream());
            // the gateway reads bodies after the key check; a management or keyless path is cut the same way
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408") || answer.startsWith("HTTP/1.1 401"),
                    answer);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /v0/management/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + SecureServer.MANAGEMENT_KEY + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n[\"sk-").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = readAll(s.getInputStream());
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 408"), answer);
        }
    }

    @Test
    void anIdleConnectionIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(60_000);
            assertEquals(-1, s.getInputStream().read(), "the server closed the idle connection");
        }
    }

    @Test
    void theConnectionCapHoldsFurtherClientsUntilIdleConnectionsAreDropped() throws Exception {
        try (SecureServer capped = SecureServer.start("", Map.of("MAX_CONNECTIONS", "4", "IDLE_TIMEOUT_SECONDS", "5"))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket("127.0.0.1", capped.port());
                    s.setSoTimeout(30_000);
                    held.add(s);
                    // one answered request proves the server took the connection; it then stays open, idle
                    assertTrue(RawHttp.response(health(s)).startsWith("HTTP/1.1 200"));
                }
                try (Socket extra = new Socket("127.0.0.1", capped.port())) {
                    extra.setSoTimeout(1_000);
                    InputStream in = health(extra);
                    // the cap is full: the fifth connection waits unserved (well inside the 5 s idle timeout)
                    assertThrows(SocketTimeoutException.class, in::read, "served beyond the cap");
                    for (Socket s : held) {
                        assertEquals(-1, s.getInputStream().read(), "the idle connection was dropped");
                    }
                    extra.setSoTimeout(30_000);
                    assertTrue(RawHttp.response(in).startsWith("HTTP/1.1 200"), "served once a slot was free");
                }
                assertEquals(200, capped.send("GET", "/healthz", null).statusCode(), "a fresh client is served");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    private static InputStream health(Socket s) throws Exception {
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s.getInputStream();
    }

    private static String readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                all.write(buf, 0, n);
                if (all.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                    break;
                }
            }
        } catch (java.net.SocketException e) {
            // reset by the server: the connection was cut
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
