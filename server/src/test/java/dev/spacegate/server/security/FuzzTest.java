package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Testing the whole surface"): malformed requests of every kind, with the management key
 * and a client key, get a 4xx in the API's own format: never a 5xx, never a stack trace or a class name, and they
 * change neither the live config nor the client keys.
 */
class FuzzTest {
    private static final String CLIENT_KEY = "fake-fuzz-client-not-secret";
    private static final Pattern LEAK = Pattern.compile(
            "Exception|\\tat |\\bat [a-z]+\\.[a-z]+\\.|\\.java:\\d|dev\\.spacegate|io\\.helidon|java\\.lang|com\\.fasterxml");
    private static final List<String> GATEWAY_POSTS = List.of("/v1/chat/completions", "/v1/completions",
            "/v1/embeddings", "/v1/responses", "/v1/messages", "/v1/messages/count_tokens",
            "/v1beta/models/m:generateContent", "/v1beta/models/m:streamGenerateContent", "/backend-api/codex/responses");
    private static final List<String> MANAGEMENT_WRITES = List.of("PUT /v0/management/api-keys",
            "PATCH /v0/management/api-keys", "PUT /v0/management/config.yaml", "PUT /v0/management/openai-compatibility",
            "PATCH /v0/management/gemini-api-key", "PUT /v0/management/claude-api-key", "PUT /v0/management/model-prices",
            "PUT /v0/management/api-key-aliases", "POST /v0/management/usage/import", "PUT /v0/management/proxy-url",
            "PUT /v0/management/request-retry", "POST /v0/management/auth-files?name=x.json",
            "POST /v0/management/oauth-callback", "PUT /usage-service/config", "POST /setup");
    private static final List<String> BODIES = List.of("{", "}", "[", "null", "\"text\"", "12e99999", "{\"a\":}",
            "{\"model\":", "[1,2,", "{\"model\":null}", "{\"model\":{}}", "{\"messages\":\"no\"}",
            "{\"model\":\"m\",\"messages\":[{\"role\":1,\"content\":{}}]}", "{\"model\":\"m\",\"contents\":7}",
            "{\"model\":\"m\",\"input\":[null,null]}", "\u0000\u0001\u0002", "{\"model\":\"\\ud800\"}",
            "- a\n- : b\n  c: [", ":\n:\n", "!!binary AAAA", "a: &x [*x]", "{\"value\":[],\"index\":\"x\"}",
            "{\"old\":1,\"new\":[]}", "{\"items\":\"x\"}", "{\"redirect_url\":\"::::\"}", "\"" + "a".repeat(5000),
            "[".repeat(5000), "{\"a\":".repeat(3000), "1".repeat(20000));

    private SecureServer server;
    private int sent;
    private final List<String> problems = new ArrayList<>();

    @Test
    void fiveHundredMalformedRequestsNeverBreakTheServer() throws Exception {
        try (SecureServer s = SecureServer.start("api-keys: [\"" + CLIENT_KEY + "\"]\n", Map.of())) {
            server = s;
            String configBefore = s.ok("GET", "/v0/management/config", null).toString();
            JsonNode keysBefore = s.ok("GET", "/v0/management/api-keys", null);

            for (String path : GATEWAY_POSTS) {
                for (String body : BODIES) {
                    request("POST " + path, body, "Authorization: Bearer " + CLIENT_KEY);
                }
            }
            for (String write : MANAGEMENT_WRITES) {
                for (String body : BODIES.subList(0, 22)) {
                    request(write, body, "Authorization: Bearer " + SecureServer.MANAGEMENT_KEY);
                }
            }
            names();
            framing();
            assertTrue(sent >= 500, "sent " + sent);
            assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));

            assertEquals(configBefore, s.ok("GET", "/v0/management/config", null).toString(), "config unchanged");
            assertEquals(keysBefore, s.ok("GET", "/v0/management/api-keys", null), "client keys unchanged");
            assertEquals(200, s.send("GET", "/healthz", null).statusCode(), "healthy");
            assertEquals(200, s.send("GET", "/v1/models", null, "Authorization", "Bearer " + CLIENT_KEY).statusCode());
        }
    }

    /** Odd names: paths, models, query names and values, header names and values. */
    private void names() throws Exception {
        List<String> paths = List.of("/v1beta/models/%2F..%2F..%2Fetc:generateContent",
                "/v1beta/models/" + "m".repeat(3000) + ":generateContent", "/v1beta/models/:generateContent",
                "/v1beta/models/m:", "/v1beta/models/m:unknownAction", "/v1beta/models/%00", "/v1/../v0/management/config",
                "/%2e%2e/%2e%2e/etc/passwd", "/v1/chat/completions/../../v0/management/api-keys", "//v1//models",
                "/v1/models?key=%zz", "/v1/models?%6Bey=" + CLIENT_KEY + "&%=x", "/v1/models?a=%E0%A4%A",
                "/v0/management/auth-files?name=../../x", "/v0/management/auth-files/download?name=%2e%2e%2fdata.key",
                "/v0/management/api-keys?value=%ff%fe", "/management.html/../../etc", "/panel/../../pom.xml",
                "/v0/management/config/history/-1", "/v0/management/config/history/99999999999999999999",
                "/v0/management/usage?from=yesterday&to=%00", "/v0/management/usage/export?format=../../",
                "/\u00e9\u00e8", "/v1/models;jsessionid=1", "/v1/models#frag");
        for (String path : paths) {
            for (String who : List.of("Authorization: Bearer " + CLIENT_KEY,
                    "Authorization: Bearer " + SecureServer.MANAGEMENT_KEY)) {
                request("GET " + path, null, who);
                request("DELETE " + path, null, who);
            }
        }
        List<String> headers = List.of("X-\u0001Bad: 1", "Authorization: Bearer", "Authorization: ", "Authorization: Basic ###",
                "X-Api-Key: " + "k".repeat(20000), "Content-Type: application/json; charset=utf-99",
                "Content-Type: multipart/form-data; boundary=", "Accept-Encoding: gzip;q=2, *;q=-1",
                "X-Forwarded-For: ::::, 999.999.1.1, not-an-ip", "Anthropic-Version: \u00ff\u00fe", "Host:",
                "Content-Encoding: gzip", "Transfer-Encoding: gzip", "Expect: 100-continue-please",
                "X-Request-Id: ../../\u0000", "Origin: null", "Range: bytes=0-", "If-Match: \"abc",
                "Cookie: " + "c=1; ".repeat(4000));
        for (String h : headers) {
            request("POST /v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}", h,
                    "Authorization: Bearer " + CLIENT_KEY);
            request("PUT /v0/management/api-keys", "[", h, "Authorization: Bearer " + SecureServer.MANAGEMENT_KEY);
        }
    }

    /** Broken HTTP framing: bad lengths, bad chunks, odd methods and versions, garbage. */
    private void framing() throws Exception {
        String auth = "Authorization: Bearer " + CLIENT_KEY;
        List<String> raw = List.of(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: -5\r\n\r\n{}",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: abc\r\n\r\n{}",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: 2\r\n"
                        + "Content-Length: 4\r\n\r\n{}{}",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "zz\r\n{}\r\n0\r\n\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "ffffffffffffffff\r\n{}\r\n",
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: 99999999999\r\n\r\n{",
                "FOO /v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /v1/models HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /v1/models\r\n\r\n",
                "GET v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET http://evil.example/v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
                "GET /v1/models HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n",
                "GET /v1/models HTTP/1.1\r\nHost: x\r\n  folded: continuation\r\n\r\n",
                "GET /" + "a".repeat(10000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "\r\n\r\n\r\n",
                "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003",
                "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                "GET /v1/responses HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
                // Helidon 4.1.2's upgrade alone answers a key that is not base64 with a 500 (WebSocketKey)
                "GET /v1/responses HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + auth
                        + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not base64!\r\n\r\n",
                "GET /v1/responses HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n");
        for (String r : raw) {
            check(r, exchange(r.getBytes(StandardCharsets.ISO_8859_1)));
        }
        Random random = new Random(15);
        for (int i = 0; i < 40; i++) {
            byte[] junk = new byte[1 + random.nextInt(400)];
            random.nextBytes(junk);
            byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n" + auth + "\r\nContent-Length: "
                    + junk.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + junk.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(junk, 0, all, head.length, junk.length);
            check("random body " + i, exchange(all));
        }
    }

    private void request(String methodAndPath, String body, String... headers) throws Exception {
        StringBuilder head = new StringBuilder(methodAndPath).append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[h.length + payload.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(payload, 0, all, h.length, payload.length);
        check(methodAndPath + " " + (body == null ? "" : body.substring(0, Math.min(40, body.length()))),
                exchange(all));
    }

    private void check(String what, String response) {
        sent++;
        if (response.isEmpty()) {
            return; // the server closed the connection: not an answer, not a 5xx
        }
        String line = response.lines().findFirst().orElse("");
        if (!line.startsWith("HTTP/1.1 ") && !line.startsWith("HTTP/1.0 ")) {
            problems.add(what + " -> not HTTP: " + line);
        } else if (Integer.parseInt(line.substring(9, 12)) >= 500) {
            problems.add(what + " -> " + line);
        }
        if (LEAK.matcher(response).find()) {
            problems.add(what + " leaked internals -> " + response);
        }
    }

    private String exchange(byte[] request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (java.io.IOException e) {
                // the server may answer and close before reading everything
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n = in.read(buf); n > 0 && all.size() < 1 << 20; n = in.read(buf)) {
                    all.write(buf, 0, n);
                }
            } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
                // reset or slow: judge what arrived
            }
            return all.toString(StandardCharsets.UTF_8);
        }
    }
}
