package dev.spacegate.server.manager.collector;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.usage.UsageEvent;
import dev.spacegate.persistence.usage.UsageStore;
import dev.spacegate.server.web.Json;

import io.helidon.common.LazyValue;

/**
 * External mode: pulls an external CLIProxyAPI's HTTP usage queue ({@code GET /v0/management/usage-queue?count=N}
 * with its management key) into the UsageStore. Empty pulls wait the poll interval; failures back off (doubling up to
 * the cap, reset by a success); duplicates are dropped by the store's event hash. Control items
 * ({@code {"refresh":true}}) are skipped; records that cannot be read are counted as dead letters.
 */
public final class UsageCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageCollector.class.getName());

    /** Connection and pacing. */
    public record Settings(URI upstream, String managementKey, int batchSize, Duration pollInterval,
                           Duration backoffStart, Duration backoffMax) {
    }

    private final Settings settings;
    private final UsageStore usage;
    /** Built at the first collection (the JDK client loads the TLS context and trust store). */
    private final LazyValue<HttpClient> http;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;
    private final AtomicLong totalInserted = new AtomicLong();
    private final AtomicLong totalSkipped = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile String state = "starting";
    private volatile long lastConsumedAt;
    private volatile long lastInsertedAt;
    private volatile String lastError;
    private volatile long failuresInARow;

    private UsageCollector(Settings settings, UsageStore usage) {
        this.settings = settings;
        this.usage = usage;
        this.http = LazyValue.create(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
        this.thread = Thread.ofVirtual().name("usage-collector").unstarted(this::run);
    }

    /** Starts pulling in the background. */
    public static UsageCollector start(Settings settings, UsageStore usage) {
        UsageCollector c = new UsageCollector(settings, usage);
        c.thread.start();
        LOG.log(System.Logger.Level.INFO, "Collecting usage from the external CLIProxyAPI usage queue at "
                + settings.upstream());
        return c;
    }

    private void run() {
        Duration backoff = settings.backoffStart();
        while (stop.getCount() > 0) {
            Duration wait;
            try {
                int got = pullOnce();
                state = "running";
                lastError = null;
                failuresInARow = 0;
                backoff = settings.backoffStart();
                wait = got == 0 ? settings.pollInterval() : Duration.ZERO;
            } catch (IOException | PersistenceException e) {
                state = "error";
                failuresInARow++;
                lastError = e.getMessage();
                wait = backoff;
                backoff = backoff.multipliedBy(2).compareTo(settings.backoffMax()) > 0 ? settings.backoffMax()
                        : backoff.multipliedBy(2);
            } catch (InterruptedException e) {
                break;
            }
            if (!wait.isZero() && pause(wait)) {
                break;
            }
        }
        state = "stopped";
    }

    /** Waits, returning true when asked to stop meanwhile. */
    private boolean pause(Duration d) {
        try {
            return stop.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** One pull; returns how many items the queue gave. */
    int pullOnce() throws IOException, InterruptedException {
        URI uri = settings.upstream().resolve("/v0/management/usage-queue?count=" + settings.batchSize());
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + settings.managementKey()).GET().build();
        HttpResponse<byte[]> res;
        try {
            res = http.get().send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException("http: upstream unreachable");
        }
        if (res.statusCode() == 401 || res.statusCode() == 403) {
            throw new IOException("http: upstream refused the management key (HTTP " + res.statusCode() + ")");
        }
        if (res.statusCode() / 100 != 2) {
            throw new IOException("http: upstream answered HTTP " + res.statusCode());
        }
        JsonNode items;
        try {
            items = Json.MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new IOException("consume: usage queue answer is not JSON");
        }
        if (!items.isArray()) {
            throw new IOException("consume: usage queue answer is not a JSON array");
        }
        lastConsumedAt = System.currentTimeMillis();
        List<UsageEvent> events = new ArrayList<>();
        for (JsonNode item : items) {
            JsonNode record = item;
            if (item.isTextual()) {
                try {
                    record = Json.MAPPER.readTree(item.asText());
                } catch (IOException e) {
                    deadLetters.incrementAndGet();
                    continue;
                }
            }
            if (record == null || record.isNull() || isControl(record)) {
                continue;
            }
            try {
                events.add(UsageEvent.fromJson(record));
            } catch (PersistenceException | IllegalArgumentException e) {
                deadLetters.incrementAndGet();
            }
        }
        if (!events.isEmpty()) {
            int inserted = usage.appendBatch(events);
            totalInserted.addAndGet(inserted);
            totalSkipped.addAndGet(events.size() - inserted);
            if (inserted > 0) {
                lastInsertedAt = System.currentTimeMillis();
            }
        }
        return items.size();
    }

    /** {@code {"refresh":true}} and {@code {"support_refresh":true}}: one key, value true. */
    private static boolean isControl(JsonNode n) {
        if (!n.isObject() || n.size() != 1) {
            return !n.isObject();
        }
        JsonNode v = n.elements().next();
        return v.isBoolean() && v.asBoolean();
    }

    /** The collector block of {@code /status} (no key, no body text of upstream errors). */
    public ObjectNode status() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("collector", state);
        o.put("mode", "http");
        o.put("transport", "http");
        o.put("queue", "usage");
        o.put("lastConsumedAt", lastConsumedAt);
        o.put("lastInsertedAt", lastInsertedAt);
        o.put("totalInserted", totalInserted.get());
        o.put("totalSkipped", totalSkipped.get());
        o.put("deadLetters", deadLetters.get());
        o.put("failuresInARow", failuresInARow);
        if (lastError != null) {
            o.put("lastError", lastError);
        }
        return o;
    }

    public long totalInserted() {
        return totalInserted.get();
    }

    public String state() {
        return state;
    }

    @Override
    public void close() {
        stop.countDown();
        thread.interrupt(); // ends a pull that is waiting on the upstream
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
