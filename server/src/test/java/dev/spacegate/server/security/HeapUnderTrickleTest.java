package dev.spacegate.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spacegate.persistence.TestPg;
import dev.spacegate.server.Main;
import org.junit.jupiter.api.Test;

/**
 * Promise (docs/security.md, "Limits"): 200 idle connections each trickling a large body to the unauthenticated OAuth
 * callback cannot pin the heap (finding 4). The server runs as its own process with a 300 MB heap that exits on
 * OutOfMemoryError, as the image does; it must stay up and healthy. It also prints its generated client key once.
 */
class HeapUnderTrickleTest {
    private static final int CONNECTIONS = 200;
    private static final String MANAGEMENT_KEY = "heap-test-management-key-not-secret";

    @Test
    void twoHundredTricklingCallbacksKeepTheHeapBelow300Mb() throws Exception {
        Path dir = Files.createTempDirectory("sg-heap-");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx300m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
        pb.environment().put("HOST", "127.0.0.1");
        pb.environment().put("PORT", "0");
        pb.environment().put("DATA_DIR", dir.toString());
        pb.environment().put("DATA_KEY", TestPg.TEST_DATA_KEY);
        pb.environment().put("MANAGEMENT_PASSWORD", MANAGEMENT_KEY);
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> output = new CopyOnWriteArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            int port = -1;
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) ");
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    port = Integer.parseInt(m.group(1));
                    break;
                }
            }
            assertTrue(port > 0, "server did not start: " + output);
            Thread.ofVirtual().start(() -> out.lines().forEach(output::add));
            assertEquals(1, output.stream().filter(l -> l.contains("client API key generated (shown once")).count(),
                    "the generated client key is printed once");

            // a login waits, so the callback may read (at most 16 KiB) for its state; the other half has no state
            HttpClient http = HttpClient.newHttpClient();
            String login = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v0/management/codex-auth-url")).header("Authorization", "Bearer " + MANAGEMENT_KEY).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String state = SecureServer.JSON.readTree(login).path("state").asText();
            assertTrue(!state.isEmpty(), login);

            // each connection sends most of a 2.5 MB body and then holds it open: on a server that buffers the body
            // before checking the state, 200 of them need ~500 MB
            List<Socket> sockets = new CopyOnWriteArrayList<>();
            List<Thread> writers = new ArrayList<>();
            int finalPort = port;
            try {
                for (int i = 0; i < CONNECTIONS; i++) {
                    String target = "/v0/management/oauth-callback" + (i % 2 == 0 ? "?state=" + state : "");
                    writers.add(Thread.ofVirtual().start(() -> trickle(finalPort, target, sockets)));
                }
                long until = System.currentTimeMillis() + 120_000;
                for (Thread w : writers) {
                    // a writer the server stopped reading stays blocked: that is the attack, so wait only so long
                    w.join(Math.max(1, until - System.currentTimeMillis()));
                }
                assertTrue(p.isAlive(), "the server died (OutOfMemoryError?): " + tail(output));
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, health.statusCode());
                long used = heapUsedMb(p.pid());
                System.out.println("HeapUnderTrickleTest: heap in use with " + CONNECTIONS
                        + " trickling callbacks: " + used + " MB (cap 300 MB)");
                assertTrue(used < 300, used + " MB");
            } finally {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            assertTrue(p.isAlive(), "the server died: " + tail(output));
        } finally {
            p.destroy();
            p.waitFor();
            TestPg.deleteTree(dir);
        }
    }

    /** Opens a connection and writes 2.4 MB of a 2.5 MB callback body in 64 KiB pieces; stops at the first error. */
    private static void trickle(int port, String target, List<Socket> sockets) {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        try {
            Socket s = new Socket("127.0.0.1", port);
            sockets.add(s);
            OutputStream o = s.getOutputStream();
            o.write(("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2500000\r\n\r\n{\"code\":\"").getBytes(StandardCharsets.ISO_8859_1));
            for (int sent = 0; sent < 2_400_000; sent += chunk.length) {
                o.write(chunk);
            }
            o.flush();
        } catch (java.io.IOException e) {
            // the server answered and closed the connection: what a cap does
        }
    }

    /** Heap in use of the child, from {@code jcmd GC.heap_info} ("used NNNK"); 0 when jcmd cannot tell. */
    private static long heapUsedMb(long pid) throws Exception {
        Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String text = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor();
        Matcher m = Pattern.compile("used (\\d+)K").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) / 1024 : 0;
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
