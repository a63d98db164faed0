package dev.spacegate.server.gateway.usage;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A few clients sending chat requests in a loop, keeping the X-Request-Id of every answered 200. */
final class Load implements AutoCloseable {
    private static final String BODY = "{\"model\":\"wal\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    final Set<String> answered = ConcurrentHashMap.newKeySet();
    final AtomicLong failed = new AtomicLong();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean running = true;

    Load(int port, int clients, long pauseMs) {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + ServerProcess.CLIENT_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build();
        for (int i = 0; i < clients; i++) {
            this.clients.add(Thread.ofPlatform().daemon().name("load-" + i).start(() -> {
                while (running) {
                    try {
                        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            r.headers().firstValue("X-Request-Id").ifPresent(answered::add);
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    try {
                        Thread.sleep(pauseMs); // paces the load: a user's traffic, not a benchmark
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
    }

    /** Waits until at least {@code n} requests were answered. */
    void awaitAnswered(int n, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (answered.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling a counter the client threads fill
        }
        if (answered.size() < n) {
            throw new IllegalStateException("only " + answered.size() + " requests answered, " + failed + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : clients) {
            t.join(30_000);
        }
    }
}
