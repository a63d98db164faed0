package dev.spacegate.server.gateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A scripted upstream on a real loopback socket that speaks the providers' wire formats; every request is
 * recorded and answered by the reply the test's script picks for it.
 */
public final class FakeUpstream implements AutoCloseable {

    /** What the upstream received. */
    public record Seen(String method, String path, String query, Map<String, String> headers, String body) {
        /** The upstream key, wherever the gateway put it. */
        public String key() {
            String auth = headers.get("authorization");
            if (auth != null) {
                return auth.replaceFirst("(?i)^Bearer ", "");
            }
            return headers.getOrDefault("x-api-key", headers.getOrDefault("x-goog-api-key", ""));
        }

        /** The model, from the body or the Gemini path. */
        public String model() {
            Matcher m = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
            if (m.find()) {
                return m.group(1);
            }
            Matcher g = Pattern.compile("/models/([^:]+):").matcher(path);
            return g.find() ? g.group(1) : "";
        }
    }

    /** Writes one answer. */
    @FunctionalInterface
    public interface Reply {
        void write(HttpExchange ex) throws IOException;
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
    private volatile Function<Seen, Reply> script = s -> json(404, "{\"error\":{\"message\":\"no script\"}}");

    public FakeUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", ex -> {
            try (ex) {
                Map<String, String> headers = new HashMap<>();
                ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getQuery(),
                        headers, body);
                seen.add(s);
                script.apply(s).write(ex);
            } catch (IOException e) {
                // the gateway hung up on us (cancellation): expected in some tests
            }
        });
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void script(Function<Seen, Reply> script) {
        this.script = script;
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public List<Seen> seenFor(String model) {
        return seen.stream().filter(s -> s.model().equals(model)).toList();
    }

    public void clear() {
        seen.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    // ---- replies ----

    public static Reply json(int status, String body) {
        return json(status, body, Map.of());
    }

    public static Reply json(int status, String body, Map<String, String> headers) {
        return ex -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        };
    }

    /** An SSE stream of raw event texts (each must end with a blank line), flushed one by one. */
    public static Reply sse(List<String> events, long delayMs) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
                pause(delayMs);
            }
        };
    }

    /** Sends the events, then breaks the connection mid-body (declared length never reached). */
    public static Reply sseThenBreak(List<String> events) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 1_000_000);
            OutputStream out = ex.getResponseBody();
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            pause(50);
            throw new IOException("simulated upstream break");
        };
    }

    /** Streams an event every {@code periodMs} until the reader goes away, then counts down {@code cancelled}. */
    public static Reply endless(String event, long periodMs, CountDownLatch cancelled) {
        return ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                for (int i = 0; i < 2000; i++) {
                    out.write(event.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    pause(periodMs);
                }
            } catch (IOException e) {
                cancelled.countDown();
                throw e;
            }
        };
    }

    /** Waits before answering with the given reply (e.g. to exercise keep-alives before headers). */
    public static Reply delayed(long ms, Reply then) {
        return ex -> {
            pause(ms);
            then.write(ex);
        };
    }

    private static void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
