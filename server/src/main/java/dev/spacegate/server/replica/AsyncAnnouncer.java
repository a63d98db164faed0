package dev.spacegate.server.replica;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.spacegate.persistence.changes.ChangeLog;

/**
 * Announces changes learned while serving requests (cooldowns, rejected logins) off the request path: queued,
 * coalesced per item (only the newest change of an item is sent) and written by one background thread.
 */
final class AsyncAnnouncer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AsyncAnnouncer.class.getName());

    private record Pending(String topic, String detail) {
    }

    private final ChangeLog log;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual()
            .name("replica-announce").factory());

    AsyncAnnouncer(ChangeLog log) {
        this.log = log;
    }

    /** Queues a change; a newer one for the same {@code item} replaces it if it was not sent yet. */
    void announce(String topic, String item, String detail) {
        pending.put(topic + "|" + item, new Pending(topic, detail));
        if (scheduled.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
    }

    private void send() {
        scheduled.set(false);
        for (String key : pending.keySet()) {
            Pending p = pending.remove(key);
            if (p == null) {
                continue;
            }
            try {
                log.publish(p.topic(), p.detail());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a " + p.topic() + " change could not be shared with other"
                        + " replicas: " + e.getClass().getSimpleName());
            }
        }
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}
