package dev.spacegate.server.gateway.oauth;

import dev.spacegate.persistence.TestPg;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.seal.SecretBox;
import dev.spacegate.server.gateway.support.GatewayHarness;

/** Shared helpers of the OAuth tests: auth file JSON, management calls, log capture, condition waits. */
final class OAuthTesting {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Obviously fake data key (base64 of 32 bytes). */
    static final String DATA_KEY = TestPg.TEST_DATA_KEY;

    private OAuthTesting() {
    }

    static SecretBox box() {
        return SecretBox.fromText(DATA_KEY, List.of());
    }

    /** Gateway config pointing every provider at the fake. */
    static String config(FakeProvider fake, int refreshCheckSeconds) {
        return config(fake.url(), refreshCheckSeconds);
    }

    static String config(String f, int refreshCheckSeconds) {
        return """
                api-keys: [test-key-not-secret]
                force-model-prefix: true
                auth-refresh-check-seconds: %d
                oauth-endpoints:
                  codex: {authorize-url: "%s/oauth/authorize", token-url: "%s/oauth/token", base-url: "%s/backend-api/codex"}
                  claude: {authorize-url: "%s/oauth/authorize", token-url: "%s/oauth/token", base-url: "%s"}
                  kimi: {authorize-url: "%s/device", token-url: "%s/oauth/token", base-url: "%s/coding/v1"}
                  antigravity: {authorize-url: "%s/oauth/authorize", token-url: "%s/oauth/token", profile-url: "%s/userinfo"}
                  vertex: {base-url: "%s"}
                  xai: {authorize-url: "%s/.well-known/openid-configuration", base-url: "%s/coding/v1"}
                """.formatted(refreshCheckSeconds, f, f, f, f, f, f, f, f, f, f, f, f, f, f, f);
    }

    /** An auth file as CLIProxyAPI writes it, plus {@code extra} top-level fields. */
    static byte[] file(String type, String access, String refresh, Instant expiry, ObjectNode extra) {
        ObjectNode o = JSON.createObjectNode().put("type", type).put("access_token", access)
                .put("refresh_token", refresh).put("email", "someone@example.com")
                .put("expired", expiry.toString()).put("last_refresh", Instant.now().toString());
        if (type.equals("codex")) {
            o.put("account_id", "acct-file");
        }
        if (extra != null) {
            o.setAll(extra);
        }
        return o.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static ObjectNode fields() {
        return JSON.createObjectNode();
    }

    static HttpResponse<String> mgmt(GatewayHarness h, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + GatewayHarness.MANAGEMENT_KEY)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String responses(String model) {
        return "{\"model\":\"" + model + "\",\"input\":\"hi\",\"stream\":true}";
    }

    static String messages(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    /** Polls a condition (no fixed sleeps); fails after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Collects every java.util.logging record (formatted message and exception text). */
    static final class LogCapture extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        static LogCapture install() {
            LogCapture c = new LogCapture();
            c.setLevel(Level.ALL);
            Logger.getLogger("").addHandler(c);
            Logger.getLogger("dev.spacegate").setLevel(Level.ALL);
            return c;
        }

        @Override
        public void publish(LogRecord r) {
            String msg = r.getMessage();
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    msg += " " + p;
                }
            }
            if (r.getThrown() != null) {
                msg += " " + r.getThrown();
            }
            lines.add(msg);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }
    }
}
