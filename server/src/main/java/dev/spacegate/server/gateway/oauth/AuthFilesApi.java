package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.providers.OAuthProvider;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.auth.AuthName;
import dev.spacegate.server.gateway.auth.ManagementGuard;
import dev.spacegate.server.routing.Endpoints;

/**
 * CLIProxyAPI's management API for auth files and OAuth logins, over {@link AuthFiles}. Over 400 lines because it is
 * that API's whole endpoint table (list, upload, download, delete, status, models, logins, callback), each handler
 * short and reading its own request shape.
 *
 * <pre>
 * curl -H "Authorization: Bearer $MK" localhost:7860/v0/management/auth-files
 * curl -H "Authorization: Bearer $MK" -F file=@codex-me@example.com.json localhost:7860/v0/management/auth-files
 * curl -H "Authorization: Bearer $MK" --data-binary @f.json "localhost:7860/v0/management/auth-files?name=f.json"
 * curl -H "Authorization: Bearer $MK" "localhost:7860/v0/management/auth-files/download?name=f.json"
 * curl -H "Authorization: Bearer $MK" -X DELETE "localhost:7860/v0/management/auth-files?name=f.json"
 * curl -H "Authorization: Bearer $MK" -X PATCH -d '{"name":"f.json","disabled":true}' localhost:7860/v0/management/auth-files/status
 * curl -H "Authorization: Bearer $MK" -X PATCH -d '{"name":"f.json","priority":5}' localhost:7860/v0/management/auth-files/fields
 * curl -H "Authorization: Bearer $MK" "localhost:7860/v0/management/auth-files/models?name=f.json"
 * curl -H "Authorization: Bearer $MK" localhost:7860/v0/management/codex-auth-url
 * curl -d '{"redirect_url":"http://localhost:1455/auth/callback?code=..&state=.."}' localhost:7860/v0/management/oauth-callback
 * curl -H "Authorization: Bearer $MK" "localhost:7860/v0/management/get-auth-status?state=..."
 * </pre>
 *
 * <p>Over 400 lines: the whole CLIProxyAPI auth-files management API (list, upload, download, status, fields, models,
 * logins) with its JSON shapes in one place.
 */
public final class AuthFilesApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String M = "/v0/management";
    private static final long MAX_UPLOAD = 8L * 1024 * 1024;
    /** The unauthenticated OAuth callback reads at most this much. */
    static final long MAX_CALLBACK = 16 * 1024;

    private final ManagementGuard guard;
    private final Supplier<AuthFiles> files;

    /** The supplier answers null until the auth store is attached (routes then answer 503). */
    public AuthFilesApi(ManagementGuard guard, Supplier<AuthFiles> files) {
        this.guard = guard;
        this.files = files;
    }

    /** Adds this API's routes. */
    public void routes(Endpoints.Builder b) {
        b.get(M + "/auth-files", c -> guarded(c, this::list))
                .post(M + "/auth-files", c -> guarded(c, this::upload))
                .delete(M + "/auth-files", c -> guarded(c, this::delete))
                .get(M + "/auth-files/download", c -> guarded(c, this::download))
                .patch(M + "/auth-files/status", c -> guarded(c, this::patchStatus))
                .patch(M + "/auth-files/fields", c -> guarded(c, this::patchFields))
                .get(M + "/auth-files/models", c -> guarded(c, this::models))
                .get(M + "/get-auth-status", c -> guarded(c, this::authStatus))
                .delete(M + "/oauth-session", c -> guarded(c, this::cancel))
                .get(M + "/oauth-callback", c -> open(c, this::pastedCallback))
                .post(M + "/oauth-callback", c -> open(c, this::pastedCallback));
        for (OAuthProvider p : OAuthProvider.values()) {
            if (p.flow() != OAuthProvider.Flow.NONE) {
                b.get(p.loginPath(), c -> guarded(c, x -> startLogin(x, p)));
            }
        }
        for (String path : OAuthProvider.CALLBACK_PATHS) {
            b.get(path, c -> open(c, this::browserCallback));
        }
    }

    private interface Handler {
        void handle(Endpoints.Call c) throws IOException;
    }

    private void guarded(Endpoints.Call c, Handler h) throws IOException {
        if (!guard.admit(c.req(), c.res())) {
            return;
        }
        open(c, h);
    }

    private void open(Endpoints.Call c, Handler h) throws IOException {
        if (files.get() == null) {
            fail(c.res(), 503, "auth files are not available: no auth store is attached");
            return;
        }
        try {
            h.handle(c);
        } catch (PersistenceException e) {
            fail(c.res(), 503, "the auth store failed: " + e.code());
        }
    }

    // ---- auth files ----

    private void list(Endpoints.Call c) throws IOException {
        AuthFileRegistry registry = files.get().registry();
        Optional<String> name = Endpoints.query(c.req(), "name");
        Optional<String> index = Endpoints.query(c.req(), "auth_index");
        ArrayNode list = JSON.createArrayNode();
        long now = registry.clock().millis();
        for (AuthFileState held : registry.all()) {
            AuthFile f = held.file;
            String idx = f == null ? "" : f.authIndex(registry.authDir());
            if (name.isPresent() && !name.get().equals(held.name) || index.isPresent() && !index.get().equals(idx)) {
                continue;
            }
            list.add(entry(held, idx, now));
        }
        send(c.res(), 200, JSON.createObjectNode().set("files", list));
    }

    private ObjectNode entry(AuthFileState held, String idx, long now) {
        AuthFile f = held.file;
        ObjectNode o = JSON.createObjectNode();
        boolean disabled = f != null && f.disabled();
        o.put("id", held.name).put("auth_index", idx).put("name", held.name);
        String type = f == null ? "unknown" : f.type();
        o.put("type", type).put("provider", type).put("label", f == null ? held.name : f.label());
        o.put("status", disabled ? "disabled" : held.status).put("status_message", held.statusMessage);
        o.put("disabled", disabled).put("unavailable", held.needsLogin || held.invalid != null)
                .put("runtime_only", false).put("source", "file").put("size", held.size)
                .put("modtime", held.modified.toString());
        held.requests.writeTo(o, now);
        o.put("path", held.name);
        if (f != null) {
            putText(o, "email", f.email());
            putText(o, "project_id", f.text("project_id"));
            putText(o, "account", f.email());
            o.put("account_type", f.text("auth_kind") != null ? f.text("auth_kind")
                    : "vertex".equals(type) ? "service_account" : "oauth");
            f.lastRefresh().ifPresent(t -> o.put("last_refresh", t.toString()));
            f.expiry().ifPresent(t -> o.put("expired", t.toString()));
            o.put("priority", f.priority());
            putText(o, "note", f.text("note"));
            putText(o, "prefix", f.prefix().isEmpty() ? null : f.prefix());
            putText(o, "proxy_url", f.proxyUrl());
            o.put("weight", f.weight());
            if (f.requestRetry() != null) {
                o.put("request_retry", f.requestRetry());
            }
            o.put("websockets", f.json().path("websockets").asBoolean(false));
            if ("codex".equals(type)) {
                JsonNode claims = TokenGrants.jwtClaims(f.text("id_token"));
                ObjectNode idt = o.putObject("id_token");
                JsonNode auth = claims.path("https://api.openai.com/auth");
                putText(idt, "chatgpt_account_id", auth.path("chatgpt_account_id").asText(null));
                putText(idt, "plan_type", auth.path("chatgpt_plan_type").asText(null));
            }
        }
        if (held.nextRefreshAttempt.isAfter(Instant.EPOCH)) {
            o.put("next_retry_after", held.nextRefreshAttempt.toString());
        }
        return o;
    }

    private void upload(Endpoints.Call c) throws IOException {
        AuthFileStore store = files.get().store();
        String ct = c.req().headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        byte[] body = readBody(c.req());
        if (body == null) {
            fail(c.res(), 413, "upload is larger than 8 MiB");
            return;
        }
        List<String[]> parts = new ArrayList<>();
        if (ct.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            try {
                parts.addAll(Multipart.files(ct, body));
            } catch (IllegalArgumentException e) {
                fail(c.res(), 400, e.getMessage());
                return;
            }
            if (parts.isEmpty()) {
                fail(c.res(), 400, "no file in the upload (form field \"file\")");
                return;
            }
        } else {
            Optional<String> name = Endpoints.query(c.req(), "name");
            if (name.isEmpty()) {
                fail(c.res(), 400, "name is required for a raw JSON upload (?name=)");
                return;
            }
            parts.add(new String[]{name.get(), new String(body, StandardCharsets.ISO_8859_1)});
        }
        ArrayNode ok = JSON.createArrayNode();
        ArrayNode failed = JSON.createArrayNode();
        for (String[] p : parts) {
            String name = p[0];
            Optional<String> bad = AuthName.problem(name);
            if (bad.isPresent()) {
                failed.addObject().put("name", name).put("error", bad.get());
                continue;
            }
            try {
                store.put(name, p[1].getBytes(StandardCharsets.ISO_8859_1));
                ok.add(name);
            } catch (AuthFile.InvalidAuthFileException e) {
                failed.addObject().put("name", name).put("error", e.getMessage());
            }
        }
        if (ok.isEmpty()) {
            ErrorFamily.MANAGEMENT.send(c.res(), ClientError.of(400, null, failed.get(0).path("error").asText())
                    .with("failed", failed));
            return;
        }
        ObjectNode out = JSON.createObjectNode().put("status", failed.isEmpty() ? "ok" : "partial")
                .put("uploaded", ok.size());
        out.set("files", ok);
        if (!failed.isEmpty()) {
            out.set("failed", failed);
        }
        send(c.res(), 200, out);
    }

    private void delete(Endpoints.Call c) throws IOException {
        AuthFiles a = files.get();
        List<String> names = c.req().query().all("name", List::of);
        boolean all = Endpoints.query(c.req(), "all").map(v -> v.equals("true") || v.equals("1")).orElse(false);
        if (!all && names.isEmpty()) {
            fail(c.res(), 400, "name (repeatable) or all=true is required");
            return;
        }
        for (String n : names) {
            Optional<String> bad = AuthName.problem(n);
            if (bad.isPresent()) {
                fail(c.res(), 400, bad.get());
                return;
            }
        }
        List<String> targets = all ? a.registry().all().stream().map(x -> x.name).toList() : names;
        int deleted = 0;
        for (String n : targets) {
            if (a.store().delete(n)) {
                deleted++;
            }
        }
        if (!all && deleted == 0) {
            fail(c.res(), 404, "auth file not found");
            return;
        }
        send(c.res(), 200, JSON.createObjectNode().put("status", "ok").put("deleted", deleted));
    }

    private void download(Endpoints.Call c) throws IOException {
        Optional<String> name = named(c, Endpoints.query(c.req(), "name").orElse(null));
        if (name.isEmpty()) {
            return;
        }
        Optional<byte[]> bytes = files.get().store().bytes(name.get());
        if (bytes.isEmpty()) {
            fail(c.res(), 404, "auth file not found");
            return;
        }
        c.res().status(Status.OK_200).header(HeaderNames.CONTENT_TYPE, "application/json")
                .header("Content-Disposition", "attachment; filename=\"" + name.get() + "\"").send(bytes.get());
    }

    private void patchStatus(Endpoints.Call c) throws IOException {
        ObjectNode body = jsonBody(c);
        if (body == null) {
            return;
        }
        if (!body.path("disabled").isBoolean()) {
            fail(c.res(), 400, "disabled (true or false) is required");
            return;
        }
        boolean disabled = body.path("disabled").asBoolean();
        change(c, body, o -> o.put("disabled", disabled));
    }

    private void patchFields(Endpoints.Call c) throws IOException {
        ObjectNode body = jsonBody(c);
        if (body == null) {
            return;
        }
        change(c, body, o -> {
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String k = e.getKey();
                if (k.equals("name") || k.equals("auth_index") || k.equals("type")) {
                    continue;
                }
                JsonNode v = e.getValue();
                if (k.equals("headers") && v.isObject()) {
                    ObjectNode h = o.path("headers").isObject() ? (ObjectNode) o.get("headers") : o.putObject("headers");
                    v.fields().forEachRemaining(x -> {
                        if (x.getValue().isNull() || x.getValue().asText().isEmpty()) {
                            h.remove(x.getKey());
                        } else {
                            h.put(x.getKey(), x.getValue().asText());
                        }
                    });
                    if (h.isEmpty()) {
                        o.remove("headers");
                    }
                } else if (v.isNull()) {
                    o.remove(k);
                } else {
                    o.set(k, v);
                }
            }
        });
    }

    private void change(Endpoints.Call c, ObjectNode body, java.util.function.Consumer<ObjectNode> edit)
            throws IOException {
        Optional<AuthFile> held = heldFile(c, body.path("name").asText(null));
        if (held.isEmpty()) {
            return;
        }
        try {
            AuthFile next = held.get().with(edit);
            files.get().store().put(held.get().name(), next.bytes());
        } catch (AuthFile.InvalidAuthFileException e) {
            fail(c.res(), 400, e.getMessage());
            return;
        }
        send(c.res(), 200, JSON.createObjectNode().put("status", "ok"));
    }

    private void models(Endpoints.Call c) throws IOException {
        Optional<AuthFile> held = heldFile(c, Endpoints.query(c.req(), "name").orElse(null));
        if (held.isEmpty()) {
            return;
        }
        AuthFile f = held.get();
        ArrayNode arr = JSON.createArrayNode();
        f.provider().ifPresent(p -> {
            List<String> ids = new ArrayList<>();
            f.modelAliases().forEach(m -> ids.add(m.alias()));
            ids.addAll(p.catalog());
            for (String id : ids) {
                if (ModelRegistry.excluded(f.excludedModels(), id)) {
                    continue;
                }
                String full = f.prefix().isEmpty() ? id : f.prefix() + "/" + id;
                arr.addObject().put("id", full).put("display_name", id).put("type", p.type())
                        .put("owned_by", p.type());
            }
        });
        send(c.res(), 200, JSON.createObjectNode().set("models", arr));
    }


    // ---- logins ----

    private void startLogin(Endpoints.Call c, OAuthProvider p) throws IOException {
        try {
            send(c.res(), 200, files.get().logins().start(p));
        } catch (LoginFlows.LoginException e) {
            loginFailed(c.res(), 502, e.getMessage());
        }
    }

    private void pastedCallback(Endpoints.Call c) throws IOException {
        JsonNode body = JSON.createObjectNode();
        // anyone may call this path: nothing is read until a login is known to wait (for this state, if given)
        if (!files.get().logins().awaitingCallback(Endpoints.query(c.req(), "state").orElse(null))) {
            loginFailed(c.res(), 400, "unknown or expired login state");
            return;
        }
        if (c.req().prologue().method().text().equals("POST")) {
            byte[] bytes = readBody(c.req(), MAX_CALLBACK);
            if (bytes == null) {
                fail(c.res(), 413, "the callback body is larger than " + MAX_CALLBACK / 1024 + " KiB");
                return;
            }
            try {
                body = bytes == null || bytes.length == 0 ? body : JSON.readTree(bytes);
            } catch (IOException e) {
                fail(c.res(), 400, "the body must be JSON: {provider, redirect_url | code, state}");
                return;
            }
        }
        String redirect = field(c, body, "redirect_url");
        try {
            if (redirect != null && !redirect.isBlank()) {
                files.get().logins().completeFromUrl(redirect);
            } else {
                files.get().logins().complete(field(c, body, "state"), field(c, body, "code"), field(c, body, "error"));
            }
        } catch (LoginFlows.LoginException e) {
            loginFailed(c.res(), 400, e.getMessage());
            return;
        }
        send(c.res(), 200, JSON.createObjectNode().put("status", "ok"));
    }

    private static String field(Endpoints.Call c, JsonNode body, String key) {
        if (body.path(key).isTextual()) {
            return body.path(key).asText();
        }
        return Endpoints.query(c.req(), key).orElse(null);
    }

    private void browserCallback(Endpoints.Call c) throws IOException {
        String state = Endpoints.query(c.req(), "state").orElse(null);
        String code = Endpoints.query(c.req(), "code").orElse(null);
        String err = Endpoints.query(c.req(), "error_description")
                .or(() -> Endpoints.query(c.req(), "error")).orElse(null);
        String message;
        int status;
        try {
            files.get().logins().complete(state, code, err);
            boolean ok = files.get().logins().status(state).map(s -> s.path("status").asText().equals("ok")).orElse(false);
            status = ok ? 200 : 400;
            message = ok ? "Authentication successful!" : "Authentication failed.";
        } catch (LoginFlows.LoginException e) {
            status = 400;
            message = "Authentication failed: " + e.getMessage();
        }
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Spacegate</title></head><body><p>"
                + message.replace("<", "&lt;") + "</p><p>You can close this window.</p>"
                + "<script>setTimeout(function(){window.close()},5000)</script></body></html>";
        c.res().status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(html);
    }

    private void authStatus(Endpoints.Call c) throws IOException {
        String state = Endpoints.query(c.req(), "state").orElse(null);
        Optional<ObjectNode> s = files.get().logins().status(state);
        if (s.isEmpty()) {
            send(c.res(), 404, JSON.createObjectNode().put("status", "error").put("error", "unknown or expired state"));
            return;
        }
        send(c.res(), 200, s.get());
    }

    private void cancel(Endpoints.Call c) throws IOException {
        boolean cancelled = files.get().logins().cancel(Endpoints.query(c.req(), "state").orElse(null));
        send(c.res(), 200, JSON.createObjectNode().put("status", "ok").put("cancelled", cancelled));
    }

    // ---- helpers ----

    private Optional<String> named(Endpoints.Call c, String name) throws IOException {
        if (name == null || name.isBlank()) {
            fail(c.res(), 400, "name is required");
            return Optional.empty();
        }
        Optional<String> bad = AuthName.problem(name);
        if (bad.isPresent()) {
            fail(c.res(), 400, bad.get());
            return Optional.empty();
        }
        return Optional.of(name);
    }

    /** The held file called {@code name}, or empty once the client was told why not (400 bad name, 404). */
    private Optional<AuthFile> heldFile(Endpoints.Call c, String name) throws IOException {
        Optional<String> checked = named(c, name);
        if (checked.isEmpty()) {
            return Optional.empty();
        }
        Optional<AuthFile> held = files.get().registry().byName(checked.get()).map(s -> s.file);
        if (held.isEmpty()) {
            fail(c.res(), 404, "auth file not found");
        }
        return held;
    }

    private ObjectNode jsonBody(Endpoints.Call c) throws IOException {
        byte[] bytes = readBody(c.req());
        try {
            JsonNode n = bytes == null ? null : JSON.readTree(bytes);
            if (n != null && n.isObject()) {
                return (ObjectNode) n;
            }
        } catch (IOException e) {
            // answered below
        }
        fail(c.res(), 400, "the body must be a JSON object");
        return null;
    }

    private static byte[] readBody(ServerRequest req) throws IOException {
        return readBody(req, MAX_UPLOAD);
    }

    /** The body, or null when it is longer than {@code max} (refused by its Content-Length before reading). */
    private static byte[] readBody(ServerRequest req, long max) throws IOException {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        if (req.headers().contentLength().orElse(0L) > max) {
            return null;
        }
        try (InputStream in = req.content().inputStream()) {
            byte[] b = in.readNBytes((int) max + 1);
            return b.length > max ? null : b;
        }
    }

    private static void putText(ObjectNode o, String k, String v) {
        if (v != null && !v.isEmpty()) {
            o.put(k, v);
        }
    }

    /** A login error as CLIProxyAPI's login endpoints answer it: {@code {"status":"error","error": message}}. */
    private static void loginFailed(ServerResponse res, int status, String message) {
        ErrorFamily.MANAGEMENT.send(res, ClientError.of(status, null, message).with("status", "error"));
    }

    /** A management error, {@code {"error": message}}, in the one client-error model. */
    private static void fail(ServerResponse res, int status, String message) {
        ErrorFamily.MANAGEMENT.send(res, ClientError.of(status, null, message));
    }

    private static void send(ServerResponse res, int status, JsonNode body) throws IOException {
        res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json")
                .send(JSON.writeValueAsBytes(body));
    }
}
