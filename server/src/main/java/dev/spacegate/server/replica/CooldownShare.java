package dev.spacegate.server.replica;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.changes.Change;
import dev.spacegate.persistence.changes.ChangeLog;
import dev.spacegate.server.gateway.pool.CooldownState;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.web.Json;

/**
 * Shares credential cooldowns between replicas: what one pool learns (a 429 with {@code Retry-After}, a quota, an
 * unauthorized credential) or clears is announced off the request path, and the other pools adopt it, so N
 * replicas do not each hit a limited credential. Announcements are coalesced per credential and model.
 */
public final class CooldownShare implements CredentialPool.Watcher, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CooldownShare.class.getName());

    private final ChangeLog log;
    private final CredentialPool pool;
    private final Map<String, ObjectNode> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(Thread.ofVirtual()
            .name("cooldown-share").factory());

    private CooldownShare(ChangeLog log, CredentialPool pool) {
        this.log = log;
        this.pool = pool;
    }

    /** Watches {@code pool} and announces its cooldowns through {@code log}. */
    public static CooldownShare attach(ChangeLog log, CredentialPool pool) {
        CooldownShare share = new CooldownShare(log, pool);
        pool.watch(share);
        return share;
    }

    @Override
    public void learned(CooldownState s) {
        ObjectNode one = CooldownState.toJson(java.util.List.of(s));
        queue(s.key(), one);
    }

    @Override
    public void cleared(String authIndex, String model) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("clear", authIndex);
        if (model != null) {
            o.put("model", model);
        }
        queue(authIndex + "|" + (model == null ? "*" : model), o);
    }

    private void queue(String key, ObjectNode change) {
        pending.put(key, change);
        if (scheduled.compareAndSet(false, true)) {
            sender.execute(this::send);
        }
    }

    private void send() {
        scheduled.set(false);
        for (String key : pending.keySet()) {
            ObjectNode change = pending.remove(key);
            if (change == null) {
                continue;
            }
            try {
                log.publish(Change.COOLDOWN, change.toString());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a cooldown could not be shared with other replicas: "
                        + e.getClass().getSimpleName());
            }
        }
    }

    /** Applies a cooldown change another replica announced. */
    public void apply(Change c) {
        JsonNode o;
        try {
            o = Json.MAPPER.readTree(c.detail());
        } catch (Exception e) {
            return; // not ours to fail on: a newer replica's format
        }
        if (o.has("clear")) {
            pool.release(o.path("clear").asText(), o.hasNonNull("model") ? o.path("model").asText() : null);
            return;
        }
        Instant now = pool.now();
        for (CooldownState s : CooldownState.fromJson(o)) {
            if (s.nextRetryAt().isAfter(now)) {
                pool.adopt(s);
            }
        }
    }

    @Override
    public void close() {
        sender.shutdown();
    }
}
