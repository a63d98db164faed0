package dev.spacegate.server.gateway.oauth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A fake OAuth token server and fake provider endpoints on one loopback socket, in the documented formats:
 * {@code POST /oauth/token} (authorization_code, refresh_token, device_code grants; form or JSON bodies),
 * {@code POST /device} (device authorization), {@code GET /userinfo}, and the upstreams
 * {@code POST /backend-api/codex/responses} (SSE), {@code POST /v1/messages} (JSON) and
 * {@code POST /coding/v1/chat/completions} (JSON), which accept only tokens this server issued.
 */
final class FakeProvider implements AutoCloseable {
    static final String GOOD_CODE = "good-code-not-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A request the upstream endpoints received. */
    record Call(String path, String token, Map<String, String> headers, String body) {
    }

    private final HttpServer server;
    final AtomicInteger refreshCalls = new AtomicInteger();
    final AtomicInteger exchanges = new AtomicInteger();
    final AtomicInteger devicePolls = new AtomicInteger();
    final Set<String> valid = ConcurrentHashMap.newKeySet();
    final Set<String> invalidGrantFor = ConcurrentHashMap.newKeySet();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    volatile long expiresIn = 30L * 24 * 3600;
    /** The public key of the test service account; jwt-bearer assertions must verify against it. */
    volatile java.security.PublicKey serviceAccountKey;
    final AtomicInteger jwtMints = new AtomicInteger();
    volatile long refreshDelayMs;
    volatile Runnable beforeRefreshAnswer = () -> { };
    private final AtomicInteger seq = new AtomicInteger();

    FakeProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                handle(ex);
            } catch (IOException | RuntimeException e) {
                // client went away
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A token the upstreams accept from now on (as if issued earlier). */
    String issueValid(String token) {
        valid.add(token);
        return token;
    }

    List<String> tokensSeen() {
        return calls.stream().map(Call::token).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        switch (path) {
            case "/oauth/token" -> token(ex, fields(headers, body));
            case "/device" -> send(ex, 200, JSON.createObjectNode().put("device_code", "device-code-not-secret")
                    .put("user_code", "ABCD-EFGH").put("verification_uri", url() + "/verify")
                    .put("verification_uri_complete", url() + "/verify?code=ABCD-EFGH").put("interval", 1)
                    .put("expires_in", 600));
            case "/.well-known/openid-configuration" -> send(ex, 200, JSON.createObjectNode()
                    .put("device_authorization_endpoint", url() + "/device")
                    .put("token_endpoint", url() + "/oauth/token"));
            case "/userinfo" -> send(ex, 200, JSON.createObjectNode().put("email", "google-user@example.com"));
            case "/backend-api/codex/responses", "/v1/messages", "/coding/v1/chat/completions" -> {
                String token = headers.getOrDefault("authorization", "").replaceFirst("^Bearer ", "");
                calls.add(new Call(path, token, headers, body));
                if (!valid.contains(token)) {
                    send(ex, 401, JSON.createObjectNode().set("error", JSON.createObjectNode()
                            .put("type", "authentication_error").put("message", "invalid bearer token")));
                    return;
                }
                upstream(ex, path, body);
            }
            default -> {
                if (path.startsWith("/v1/projects/") && path.contains("/publishers/google/models/")) {
                    String token = headers.getOrDefault("authorization", "").replaceFirst("^Bearer ", "");
                    calls.add(new Call(path, token, headers, body));
                    if (!valid.contains(token)) {
                        send(ex, 401, JSON.createObjectNode().set("error", JSON.createObjectNode()
                                .put("code", 401).put("status", "UNAUTHENTICATED")));
                        return;
                    }
                    ObjectNode g = JSON.createObjectNode();
                    ObjectNode cand = g.putArray("candidates").addObject().put("finishReason", "STOP");
                    cand.putObject("content").put("role", "model").putArray("parts").addObject().put("text", "hello");
                    g.putObject("usageMetadata").put("promptTokenCount", 2).put("candidatesTokenCount", 1)
                            .put("totalTokenCount", 3);
                    send(ex, 200, g);
                    return;
                }
                send(ex, 404, JSON.createObjectNode().put("error", "not found"));
            }
        }
    }

    private void upstream(HttpExchange ex, String path, String body) throws IOException {
        if (path.endsWith("/codex/responses")) {
            if (!body.replace(" ", "").contains("\"stream\":true")) {
                // ChatGPT's Codex backend only streams
                send(ex, 400, JSON.createObjectNode().put("detail", "Stream must be set to true"));
                return;
            }
            String sse = "event: response.created\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"resp_1\"}}\n\n"
                    + "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_1\","
                    + "\"status\":\"completed\",\"output\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":2,"
                    + "\"total_tokens\":5}}}\n\n";
            byte[] b = sse.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
        } else if (path.equals("/v1/messages")) {
            ObjectNode m = JSON.createObjectNode().put("id", "msg_1").put("type", "message").put("role", "assistant")
                    .put("model", "claude-sonnet-4-5-20250929").put("stop_reason", "end_turn");
            m.putArray("content").addObject().put("type", "text").put("text", "hello");
            m.putObject("usage").put("input_tokens", 3).put("output_tokens", 1);
            send(ex, 200, m);
        } else {
            ObjectNode m = JSON.createObjectNode().put("id", "chatcmpl-1").put("object", "chat.completion")
                    .put("model", "kimi-k2");
            m.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop").putObject("message")
                    .put("role", "assistant").put("content", "hello");
            send(ex, 200, m);
        }
    }

    private void token(HttpExchange ex, Map<String, String> f) throws IOException {
        tokenRequests.add(f);
        String grant = f.getOrDefault("grant_type", "");
        switch (grant) {
            case "refresh_token" -> {
                beforeRefreshAnswer.run();
                if (invalidGrantFor.contains(f.get("refresh_token"))) {
                    send(ex, 400, JSON.createObjectNode().put("error", "invalid_grant")
                            .put("error_description", "refresh token revoked"));
                    return;
                }
                sleep(refreshDelayMs);
                refreshCalls.incrementAndGet();
                send(ex, 200, issue("user@example.com"));
            }
            case "authorization_code" -> {
                if (!GOOD_CODE.equals(f.get("code")) || f.getOrDefault("code_verifier", "").isEmpty()) {
                    send(ex, 400, JSON.createObjectNode().put("error", "invalid_grant"));
                    return;
                }
                exchanges.incrementAndGet();
                send(ex, 200, issue("user@example.com"));
            }
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                if (devicePolls.incrementAndGet() < 2) {
                    send(ex, 400, JSON.createObjectNode().put("error", "authorization_pending"));
                    return;
                }
                send(ex, 200, issue("device-user@example.com"));
            }
            case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> {
                if (!assertionValid(f.getOrDefault("assertion", ""))) {
                    send(ex, 400, JSON.createObjectNode().put("error", "invalid_grant"));
                    return;
                }
                jwtMints.incrementAndGet();
                send(ex, 200, issue("sa@proj-test.iam.gserviceaccount.com"));
            }
            default -> send(ex, 400, JSON.createObjectNode().put("error", "unsupported_grant_type"));
        }
    }

    /** An RS256 JWT signed by the service account, addressed to this token endpoint with the cloud-platform scope. */
    private boolean assertionValid(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3 || serviceAccountKey == null) {
            return false;
        }
        try {
            java.security.Signature sig = java.security.Signature.getInstance("SHA256withRSA");
            sig.initVerify(serviceAccountKey);
            sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!sig.verify(Base64.getUrlDecoder().decode(parts[2]))) {
                return false;
            }
            com.fasterxml.jackson.databind.JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return claims.path("aud").asText().equals(url() + "/oauth/token")
                    && claims.path("scope").asText().contains("cloud-platform")
                    && claims.path("exp").asLong() > claims.path("iat").asLong();
        } catch (java.security.GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    private ObjectNode issue(String email) {
        int n = seq.incrementAndGet();
        String access = "access-" + n + "-not-secret";
        valid.add(access);
        ObjectNode claims = JSON.createObjectNode().put("email", email).put("sub", "user-" + n);
        claims.putObject("https://api.openai.com/auth").put("chatgpt_account_id", "acct-test")
                .put("chatgpt_plan_type", "plus");
        String jwt = b64("{\"alg\":\"none\"}") + "." + b64(claims.toString()) + ".sig";
        ObjectNode t = JSON.createObjectNode().put("access_token", access)
                .put("refresh_token", "refresh-" + n + "-not-secret").put("id_token", jwt)
                .put("token_type", "Bearer").put("expires_in", expiresIn);
        t.putObject("account").put("uuid", "uuid-" + n).put("email_address", email);
        t.putObject("organization").put("uuid", "org-1").put("name", "Test Org");
        return t;
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> fields(Map<String, String> headers, String body) throws IOException {
        Map<String, String> out = new HashMap<>();
        if (headers.getOrDefault("content-type", "").contains("json")) {
            JSON.readTree(body).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            out.put("_json", "true");
            return out;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
