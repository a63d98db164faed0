package dev.spacegate.server.replica;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.changes.Change;
import dev.spacegate.server.gateway.pool.CooldownState;
import dev.spacegate.server.gateway.pool.CredentialPool;
import dev.spacegate.server.web.Json;

/**
 * Shares credential cooldowns between replicas: what one pool learns (a 429 with {@code Retry-After}, a quota, an
 * unauthorized credential) or clears is announced off the request path, and the other pools adopt it, so N
 * replicas do not each hit a limited credential.
 */
final class CooldownShare implements CredentialPool.Watcher {
    private final AsyncAnnouncer announcer;
    private final CredentialPool pool;

    private CooldownShare(AsyncAnnouncer announcer, CredentialPool pool) {
        this.announcer = announcer;
        this.pool = pool;
    }

    /** Watches {@code pool} and announces its cooldowns. */
    static CooldownShare attach(AsyncAnnouncer announcer, CredentialPool pool) {
        CooldownShare share = new CooldownShare(announcer, pool);
        pool.watch(share);
        return share;
    }

    @Override
    public void learned(CooldownState s) {
        announcer.announce(Change.COOLDOWN, s.key(), CooldownState.toJson(List.of(s)).toString());
    }

    @Override
    public void cleared(String authIndex, String model) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("clear", authIndex);
        if (model != null) {
            o.put("model", model);
        }
        announcer.announce(Change.COOLDOWN, authIndex + "|" + (model == null ? "*" : model), o.toString());
    }

    /** Applies a cooldown change another replica announced. */
    void apply(Change c) {
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
}
