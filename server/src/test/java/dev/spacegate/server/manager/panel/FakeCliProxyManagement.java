package dev.spacegate.server.manager.panel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for an external CLIProxyAPI's management API on loopback, as far as the panel's auth-files page uses it
 * (cliproxyapi.md §1.9): auth-file list, multipart upload, status, fields, download, delete, and the OAuth
 * start / paste-the-redirect / poll flow. Every call needs the management key as a Bearer token.
 */
final class FakeCliProxyManagement implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String key;
    final Map<String, ObjectNode> files = new LinkedHashMap<>();
    final List<String> oauthCallbacks = new ArrayList<>();

    FakeCliProxyManagement(String key) throws IOException {
        this.key = key;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v0/management/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!("Bearer " + key).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, JSON.createObjectNode().put("error", "invalid management key"));
                return;
            }
            String path = ex.getRequestURI().getPath().substring("/v0/management".length());
            String method = ex.getRequestMethod();
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            byte[] body = ex.getRequestBody().readAllBytes();
            switch (method + " " + path) {
                case "GET /config" -> send(ex, 200, JSON.createObjectNode().put("debug", false));
                case "GET /auth-files" -> {
                    ObjectNode out = JSON.createObjectNode();
                    ArrayNode list = out.putArray("files");
                    files.values().forEach(list::add);
                    send(ex, 200, out);
                }
                case "POST /auth-files" -> {
                    int n = 0;
                    for (Map.Entry<String, byte[]> part : multipartFiles(ex, body).entrySet()) {
                        JsonNode doc = JSON.readTree(part.getValue());
                        files.put(part.getKey(), entry(part.getKey(), doc));
                        n++;
                    }
                    send(ex, 200, JSON.createObjectNode().put("status", "ok").put("uploaded", n));
                }
                case "PATCH /auth-files/status" -> {
                    JsonNode b = JSON.readTree(body);
                    ObjectNode f = files.get(b.path("name").asText());
                    if (f == null) {
                        send(ex, 404, JSON.createObjectNode().put("error", "auth file not found"));
                        return;
                    }
                    f.put("disabled", b.path("disabled").asBoolean()).put("status",
                            b.path("disabled").asBoolean() ? "disabled" : "active");
                    send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                }
                case "PATCH /auth-files/fields" -> {
                    JsonNode b = JSON.readTree(body);
                    ObjectNode f = files.get(b.path("name").asText());
                    b.fields().forEachRemaining(e -> {
                        if (!e.getKey().equals("name")) {
                            f.set(e.getKey(), e.getValue());
                        }
                    });
                    send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                }
                case "GET /auth-files/download" -> {
                    byte[] raw = JSON.writeValueAsBytes(files.get(query.get("name")));
                    ex.getResponseHeaders().set("Content-Type", "application/json");
                    ex.sendResponseHeaders(200, raw.length);
                    ex.getResponseBody().write(raw);
                }
                case "DELETE /auth-files" -> {
                    files.remove(query.get("name"));
                    send(ex, 200, JSON.createObjectNode().put("status", "ok").put("deleted", 1));
                }
                case "GET /codex-auth-url" -> send(ex, 200, JSON.createObjectNode().put("status", "ok")
                        .put("url", "https://auth.example.invalid/oauth/authorize?state=state-test")
                        .put("state", "state-test"));
                case "POST /oauth-callback" -> {
                    JsonNode b = JSON.readTree(body);
                    oauthCallbacks.add(b.path("provider").asText() + " " + b.path("state").asText() + " "
                            + b.path("redirect_url").asText());
                    String name = "codex-oauth@example.com.json";
                    files.put(name, entry(name, JSON.createObjectNode().put("type", "codex")
                            .put("email", "oauth@example.com")));
                    send(ex, 200, JSON.createObjectNode().put("status", "ok"));
                }
                case "GET /get-auth-status" -> send(ex, 200, JSON.createObjectNode()
                        .put("status", oauthCallbacks.isEmpty() ? "wait" : "ok"));
                default -> send(ex, 404, JSON.createObjectNode().put("error", "not found"));
            }
        }
    }

    private static ObjectNode entry(String name, JsonNode doc) {
        ObjectNode e = JSON.createObjectNode().put("id", name).put("name", name)
                .put("type", doc.path("type").asText()).put("provider", doc.path("type").asText())
                .put("email", doc.path("email").asText()).put("status", "active").put("disabled", false)
                .put("success", 3).put("failed", 1);
        e.put("auth_index", Integer.toHexString(name.hashCode()));
        return e;
    }

    private static Map<String, byte[]> multipartFiles(HttpExchange ex, byte[] body) {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        String boundary = "--" + type.substring(type.indexOf("boundary=") + 9);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String part : text.split(java.util.regex.Pattern.quote(boundary))) {
            int headersEnd = part.indexOf("\r\n\r\n");
            int nameAt = part.indexOf("filename=\"");
            if (headersEnd < 0 || nameAt < 0 || nameAt > headersEnd) {
                continue;
            }
            String filename = part.substring(nameAt + 10, part.indexOf('"', nameAt + 10));
            String content = part.substring(headersEnd + 4, part.length() - 2); // the CRLF before the boundary
            out.put(filename, content.getBytes(StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] raw = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, raw.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(raw);
        }
    }
}
