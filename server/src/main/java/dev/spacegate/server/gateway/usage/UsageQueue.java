package dev.spacegate.server.gateway.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * CLIProxyAPI's in-memory usage queue (§5.3): records wait here for {@code GET /v0/management/usage-queue}
 * to pop them, oldest first, and are dropped after the retention window.
 */
public final class UsageQueue {
    private record Item(Instant at, ObjectNode record) {
    }

    private final ConcurrentLinkedDeque<Item> items = new ConcurrentLinkedDeque<>();
    private final Clock clock;
    private volatile Duration retention;

    public UsageQueue(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    public void retention(Duration retention) {
        this.retention = retention;
    }

    public void add(ObjectNode record) {
        items.addLast(new Item(clock.instant(), record));
        prune();
    }

    /** Removes and returns up to {@code count} of the oldest records. */
    public List<ObjectNode> pop(int count) {
        prune();
        List<ObjectNode> out = new ArrayList<>(Math.min(count, 64));
        while (out.size() < count) {
            Item i = items.pollFirst();
            if (i == null) {
                break;
            }
            out.add(i.record());
        }
        return out;
    }

    public void clear() {
        items.clear();
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(retention);
        Item head;
        while ((head = items.peekFirst()) != null && head.at().isBefore(cutoff)) {
            items.remove(head);
        }
    }
}
