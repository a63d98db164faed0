package dev.spacegate.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spacegate.server.testing.TestUpstream;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGTERM on a real server process: the stream in flight finishes, new connections are refused, exit 0. */
class ShutdownTest {

    @Test
    void sigtermLetsAStreamFinishAndExitsZero() throws Exception {
        try (TestUpstream upstream = TestUpstream.start()) {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName());
            pb.environment().put("HOST", "127.0.0.1");
            pb.environment().put("PORT", "0");
            pb.environment().put("ROUTE_PROFILE", "cpa-manager");
            pb.environment().put("GATEWAY_UPSTREAM", upstream.url());
            pb.environment().put("SHUTDOWN_GRACE_SECONDS", "20");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertTrue(port > 0, "server did not print its listen URL");
            Thread drain = Thread.ofVirtual().start(() -> out.lines().forEach(l -> { }));

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/sse")).build(), HttpResponse.BodyHandlers.ofInputStream());
            List<String> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("data:")) {
                        events.add(line);
                        if (events.size() == 1) {
                            p.destroy(); // SIGTERM while the stream is in flight
                        }
                    }
                }
            }
            assertEquals(4, events.size(), "the in-flight stream was cut: " + events);
            assertTrue(p.waitFor(25, TimeUnit.SECONDS), "server did not stop within the grace period");
            assertEquals(0, p.exitValue());
            int stoppedPort = port;
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", stoppedPort).close());
            drain.join(5000);
        }
    }
}
