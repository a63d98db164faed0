package dev.spacegate.server.replica;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.changes.Change;
import dev.spacegate.persistence.changes.ChangeLog;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.setup.ManagementKeys;

/**
 * Connects the change log to what this replica keeps in memory: the config document (client keys, providers,
 * aliases, routing), the management key, the auth files and the credential cooldowns. Any part may be absent
 * (null) when the route profile does not build it in.
 */
public final class Replicas implements AutoCloseable {
    private final ReplicaSync sync;
    private final AsyncAnnouncer announcer;
    private final LiveConfig config;
    private final GatewayService gateway;

    private Replicas(ReplicaSync sync, AsyncAnnouncer announcer, LiveConfig config, GatewayService gateway) {
        this.sync = sync;
        this.announcer = announcer;
        this.config = config;
        this.gateway = gateway;
    }

    /**
     * Starts following the other replicas.
     *
     * @param startId the newest change id, read before any state was loaded
     */
    public static Replicas start(ChangeLog log, ReplicaSettings settings, long startId, LiveConfig config,
                                 ManagementKeys keys, GatewayService gateway) {
        Map<String, Consumer<Change>> handlers = new HashMap<>();
        if (config != null) {
            handlers.put(Change.CONFIG, c -> config.reload());
        }
        if (keys != null) {
            handlers.put(Change.SETTINGS, c -> {
                if (ManagementKeys.SETTINGS_KEY.equals(c.detail())) {
                    keys.reload();
                }
            });
        }
        AsyncAnnouncer announcer = null;
        if (gateway != null) {
            handlers.put(Change.AUTH, c -> reloadAuths(gateway));
            if (log.shared()) {
                announcer = new AsyncAnnouncer(log);
                handlers.put(Change.COOLDOWN, CooldownShare.attach(announcer, gateway.pool())::apply);
                shareRejectedLogins(announcer, gateway.authFiles(), handlers);
            }
        }
        Runnable everything = () -> {
            if (config != null) {
                config.reload();
            }
            if (keys != null) {
                keys.reload();
            }
            if (gateway != null) {
                reloadAuths(gateway);
            }
        };
        return new Replicas(ReplicaSync.start(log, settings, handlers, everything, startId), announcer, config,
                gateway);
    }

    /** An auth file whose refresh token was rejected on one replica is set aside by every replica. */
    private static void shareRejectedLogins(AsyncAnnouncer announcer, AuthFiles files,
                                            Map<String, Consumer<Change>> handlers) {
        if (files != null) {
            files.refresher().onNeedsLogin(name -> announcer.announce(Change.NEEDS_LOGIN, name, name));
            handlers.put(Change.NEEDS_LOGIN, c -> files.registry().adoptNeedsLogin(c.detail()));
        }
    }

    private static void reloadAuths(GatewayService gateway) {
        AuthFiles a = gateway.authFiles();
        if (a != null) {
            a.store().load();
        }
    }

    /**
     * The {@code replica} block of {@code /status}: id, mode, view age, config version, last change applied and how
     * many credential cooldowns are in force.
     */
    public ObjectNode status() {
        ObjectNode o = sync.status();
        if (config != null) {
            o.put("configVersion", config.version());
        }
        if (gateway != null) {
            // credentials cooling now: the same on every replica once cooldowns are shared
            java.time.Instant now = gateway.pool().now();
            o.put("coolingCredentials", gateway.pool().snapshot().stream()
                    .filter(s -> s.nextRetryAt().isAfter(now)).count());
        }
        return o;
    }

    @Override
    public void close() {
        sync.close();
        if (announcer != null) {
            announcer.close();
        }
    }
}
