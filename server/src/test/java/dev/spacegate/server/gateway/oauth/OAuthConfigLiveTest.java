package dev.spacegate.server.gateway.oauth;

import static dev.spacegate.server.gateway.oauth.OAuthTesting.JSON;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.await;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.responses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.testing.MainProcess;

/**
 * The OAuth keys of the config apply without a restart (#16), on a server started as {@code Main} is: a changed
 * {@code oauth-endpoints} sends the next login, token refresh and upstream call to the new provider URLs; a changed
 * {@code auth-refresh-check-seconds} reschedules the refresh check; a changed {@code auth-dir} is imported at once
 * and becomes the base of {@code auth_index}.
 */
class OAuthConfigLiveTest {
    private static final String KEY = GatewayHarness.MANAGEMENT_KEY;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The server's folder and the auth-dir folders. */
    @TempDir
    static Path dir;
    /** The provider URLs the server starts with, and those a test changes them to. */
    private static FakeProvider before;
    private static FakeProvider after;
    private static MainProcess server;

    @BeforeAll
    static void start() throws Exception {
        before = new FakeProvider();
        after = new FakeProvider();
        Files.createDirectories(dir.resolve("no-auths"));
        // the refresh check runs once an hour until a test changes it
        String yaml = OAuthTesting.config(before.url(), 3600) + "auth-dir: " + dir.resolve("no-auths") + "\n";
        server = MainProcess.start("oauth-live", dir.resolve("server"), yaml, "256m",
                Map.of("MANAGEMENT_PASSWORD", KEY));
    }

    @AfterAll
    static void stop() {
        server.close();
        before.close();
        after.close();
    }

    @Test
    void aChangedOAuthEndpointTakesTheNextLoginRefreshAndCallWithoutARestart() throws Exception {
        assertTrue(authUrl().startsWith(before.url() + "/oauth/authorize?"), authUrl());
        String token = before.issueValid("live-before-not-secret");
        upload("codex-live.json", file("codex", token, "live-refresh-not-secret",
                Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "live")));
        assertEquals(200, call("POST", "/v1/responses", responses("live/gpt-5"), GatewayHarness.CLIENT_KEY)
                .statusCode());
        assertEquals(token, before.calls.getLast().token());
        int callsBefore = before.calls.size();
        int callsAfter = after.calls.size();

        putConfig(config().replace(before.url(), after.url()));

        assertTrue(authUrl().startsWith(after.url() + "/oauth/authorize?"), "the next login: " + authUrl());
        // the new upstream does not know the old token: 401, one refresh at the new token URL, retried with its token
        HttpResponse<String> r = call("POST", "/v1/responses", responses("live/gpt-5"), GatewayHarness.CLIENT_KEY);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, after.tokenRequests.stream()
                .filter(f -> "live-refresh-not-secret".equals(f.get("refresh_token"))).count(), "refresh at the new URL");
        assertEquals(0, before.tokenRequests.stream()
                .filter(f -> "live-refresh-not-secret".equals(f.get("refresh_token"))).count());
        assertEquals(callsAfter + 2, after.calls.size(), "the call went to the new base URL (401, then the retry)");
        assertTrue(after.valid.contains(after.calls.getLast().token()), "retried with the new URL's token");
        assertEquals(callsBefore, before.calls.size(), "nothing more went to the old URLs");
    }

    @Test
    void aShorterRefreshCheckIsScheduledWithoutARestart() throws Exception {
        upload("codex-due.json", file("codex", "due-access-not-secret", "due-refresh-not-secret",
                Instant.now().plus(Duration.ofHours(1)), fields().put("prefix", "due")));
        assertEquals(0, refreshesOf("due-refresh-not-secret"), "the hourly check has not run");

        putConfig(config().replace("auth-refresh-check-seconds: 3600", "auth-refresh-check-seconds: 1"));

        await(Duration.ofSeconds(20), () -> refreshesOf("due-refresh-not-secret") == 1,
                "the refresh check at its new period");
    }

    @Test
    void aChangedAuthDirIsImportedAndIndexesTheAccountsWithoutARestart() throws Exception {
        upload("codex-indexed.json", file("codex", "indexed-access-not-secret", "indexed-refresh-not-secret",
                Instant.now().plus(Duration.ofDays(30)), fields().put("prefix", "indexed")));
        String indexBefore = entry("codex-indexed.json").path("auth_index").asText();
        Path cpa = Files.createDirectories(dir.resolve("cpa-auths"));
        Files.write(cpa.resolve("codex-imported.json"), file("codex", "imported-access-not-secret",
                "imported-refresh-not-secret", Instant.now().plus(Duration.ofDays(30)), fields()));

        putConfig(config().replace(dir.resolve("no-auths").toString(), cpa.toString()));

        assertEquals("codex", entry("codex-imported.json").path("type").asText(), "imported from the new auth-dir");
        String indexAfter = entry("codex-indexed.json").path("auth_index").asText();
        assertTrue(!indexAfter.isEmpty() && !indexBefore.isEmpty());
        assertNotEquals(indexBefore, indexAfter, "auth_index is computed against the new auth-dir");
    }

    private static long refreshesOf(String refreshToken) {
        return before.tokenRequests.stream().filter(f -> refreshToken.equals(f.get("refresh_token"))).count()
                + after.tokenRequests.stream().filter(f -> refreshToken.equals(f.get("refresh_token"))).count();
    }

    private static String authUrl() throws Exception {
        HttpResponse<String> r = call("GET", "/v0/management/codex-auth-url", null, KEY);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("url").asText();
    }

    private static String config() throws Exception {
        HttpResponse<String> r = call("GET", "/v0/management/config.yaml", null, KEY);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void putConfig(String yaml) throws Exception {
        HttpResponse<String> r = call("PUT", "/v0/management/config.yaml", yaml, KEY);
        assertEquals(200, r.statusCode(), r.body());
    }

    private static void upload(String name, byte[] json) throws Exception {
        HttpResponse<String> r = call("POST", "/v0/management/auth-files?name=" + name,
                new String(json, java.nio.charset.StandardCharsets.UTF_8), KEY);
        assertEquals(200, r.statusCode(), r.body());
    }

    private static JsonNode entry(String name) throws Exception {
        HttpResponse<String> r = call("GET", "/v0/management/auth-files?name=" + name, null, KEY);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode files = JSON.readTree(r.body()).path("files");
        assertEquals(1, files.size(), r.body());
        return files.get(0);
    }

    private static HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
