package dev.spacegate.server.manager;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.Spacegate;
import dev.spacegate.server.testing.Servers;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitoring live tail: a stored usage event arrives as a server-sent event; an open stream does not hold a stop. */
class LiveTailTest {
    private static final String KEY = "test-management-key-not-secret";

    @Test
    void newUsageArrivesAsAnEventAndAnOpenStreamEndsWhenTheServerStops() throws Exception {
        Path dir = Files.createTempDirectory("spacegate-live-tail");
        Map<String, String> env = Map.of("MANAGEMENT_PASSWORD", KEY, "DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY, "SHUTDOWN_GRACE_SECONDS", "20");
        Spacegate sg = Spacegate.start(Servers.config("api-keys: [\"test-client-key-not-secret\"]\n", env), null, env);
        try {
            String base = "http://127.0.0.1:" + sg.port();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/v0/management/monitoring/stream")).header("Authorization", "Bearer " + KEY).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            assertEquals(": connected", lines.readLine());
            String event = "{\"timestamp\":\"" + Instant.now() + "\",\"request_id\":\"tail-1\",\"provider\":\"openai\","
                    + "\"model\":\"tail-model\",\"api_key\":\"k\",\"tokens\":{\"input_tokens\":1,\"output_tokens\":1}}";
            HttpResponse<String> imported = http.send(HttpRequest.newBuilder(URI.create(base + "/v0/management/usage/import"))
                    .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, imported.statusCode(), imported.body());
            String line = lines.readLine();
            while (line != null && !line.startsWith("data:")) {
                line = lines.readLine();
            }
            assertEquals("data: {\"new\":1}", line);
            long t0 = System.nanoTime();
            sg.stop();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5_000, "an open live tail does not hold the 20 s grace: stopped in " + ms + " ms");
            sg = null;
        } finally {
            if (sg != null) {
                sg.stop();
            }
            TestPg.deleteTree(dir);
        }
    }
}
