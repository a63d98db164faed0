package dev.spacegate.server.manager.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.seal.SealedValues;
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.persistence.store.ConfigVersion;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.compat.ConfigKeys;
import dev.spacegate.server.web.Json;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The running config document (CLIProxyAPI {@code config.yaml} keys). The copy in the ConfigStore is authoritative
 * (every replica runs the same one): a valid local config file only seeds an empty store, {@code CONFIG_RESEED=1}
 * replaces the stored copy by it ({@link ConfigStartup}). Every change is validated (built-in shape checks plus the
 * injected validator), checked against the version the writer read, saved with compare-and-set (secret fields
 * sealed, the version kept in the history), and then handed to the listeners (the gateway reloads), so nothing needs
 * a restart; a change of a key read only at start ({@link ConfigKeys.Apply#RESTART}) is refused instead.
 */
public final class LiveConfig {
    private static final System.Logger LOG = System.getLogger(LiveConfig.class.getName());

    private final ConfigStore store;
    private final ConfigSeal seal;
    private final Function<ObjectNode, List<String>> validator;
    private final List<Consumer<ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<ObjectNode>> beforeSave = new CopyOnWriteArrayList<>();
    private ObjectNode document;
    private long version;
    private ConfigNotice notice = ConfigNotice.NONE;

    private LiveConfig(ConfigStore store, ConfigSeal seal, Function<ObjectNode, List<String>> validator) {
        this.store = store;
        this.seal = seal;
        this.validator = validator;
    }

    /** {@link #open(ConfigStore, ConfigSeal, ConfigSeed, Function)} without sealing, file name or recovery switch. */
    public static LiveConfig open(ConfigStore store, ObjectNode seed, Function<ObjectNode, List<String>> validator) {
        return open(store, new ConfigSeal(null), ConfigSeed.of(seed), validator);
    }

    /**
     * Loads the stored document (or the last kept version that passes validation), or seeds the store with a valid
     * {@code seed} when it is empty; never fails over the config's content.
     *
     * @param validator extra checks (the gateway's); returns the problems, empty when the document is usable
     */
    public static LiveConfig open(ConfigStore store, ConfigSeal seal, ConfigSeed seed,
                                  Function<ObjectNode, List<String>> validator) {
        LiveConfig live = new LiveConfig(store, seal, validator);
        ConfigStartup.Result r = new ConfigStartup(store, seal, live::problems).start(seed);
        live.document = r.document();
        live.version = r.version();
        live.notice = r.notice();
        return live;
    }

    /** A copy of the current document. */
    public synchronized ObjectNode current() {
        return document.deepCopy();
    }

    /** The stored version of the current document (0 when none is stored); the config API's {@code ETag}. */
    public synchronized long version() {
        return version;
    }

    /** A copy of the current document with its version, read together (a read's {@code ETag}). */
    public synchronized Versioned<ObjectNode> snapshot() {
        return new Versioned<>(document.deepCopy(), version);
    }

    /** The current document as YAML. */
    public synchronized String yaml() {
        return toYaml(document);
    }

    /** The {@code config} block of {@code /status}: version, state (ok / fallback / ...), problems, file notice. */
    public synchronized ObjectNode status() {
        return notice.toJson(version);
    }

    /**
     * Registers a step applied to every written document after its edit and before it is validated and stored, so
     * neither the store nor the history ever holds what the step removes (a plaintext secret-key).
     */
    public void beforeSave(Consumer<ObjectNode> step) {
        beforeSave.add(step);
    }

    /** Registers a listener called with a copy of the document after every saved change. */
    public void onChange(Consumer<ObjectNode> listener) {
        listeners.add(listener);
    }

    /** Replaces the whole document. */
    public void replace(ObjectNode next) {
        replace(ConfigWrite.api(), next);
    }

    /** Replaces the whole document; returns the new version. */
    public long replace(ConfigWrite write, ObjectNode next) {
        return update(write, doc -> {
            doc.removeAll();
            doc.setAll(next);
        });
    }

    /** Applies an edit with {@link ConfigWrite#api()}. */
    public void update(Consumer<ObjectNode> edit) {
        update(ConfigWrite.api(), edit);
    }

    /**
     * Applies an edit to a copy, validates, saves and notifies; returns the new version.
     *
     * @throws ApiError.Failure 422 {@code invalid_config} naming the problems; {@link ConfigRefusal} 409
     *                          {@code config_conflict} when the writer's {@code If-Match} is stale or another replica
     *                          saved first (the document is reloaded, the caller may retry), 409
     *                          {@code confirm_required} when it removes every provider or client key unconfirmed,
     *                          409 {@code restart_required} when it changes a key read only at start
     */
    public long update(ConfigWrite write, Consumer<ObjectNode> edit) {
        ObjectNode saved;
        long savedVersion;
        synchronized (this) {
            if (write.ifMatch().isPresent() && write.ifMatch().getAsLong() != version) {
                throw ConfigRefusal.conflict(version);
            }
            ObjectNode next = document.deepCopy();
            edit.accept(next);
            // first: however its value looks, such a key cannot be changed here
            List<ConfigKeys.Key> atStart = ConfigKeys.restartKeysChanged(document, next);
            if (!atStart.isEmpty()) {
                throw ConfigRefusal.restartRequired(atStart);
            }
            beforeSave.forEach(step -> step.accept(next));
            List<String> problems = problems(next);
            if (!problems.isEmpty()) {
                throw new ApiError.Failure(422, "invalid_config", "invalid config: " + String.join("; ", problems));
            }
            Removals.check(document, next, write.removeAllConfirmed());
            try {
                version = store.save(seal.encode(next), version, write.source(), write.by());
            } catch (PersistenceException e) {
                if (e.code() == PersistenceException.Code.VERSION_CONFLICT) {
                    reload();
                    throw ConfigRefusal.conflict(version);
                }
                throw e;
            }
            document = next;
            notice = notice.afterWrite();
            saved = next.deepCopy();
            savedVersion = version;
        }
        notifyListeners(saved);
        return savedVersion;
    }

    /** Makes kept version {@code v} current again (a new version with its content), validated like any write. */
    public long restore(ConfigWrite write, long v) {
        String text = store.historyContent(v).orElseThrow(() -> new ApiError.Failure(404, "not_found",
                "version " + v + " is not in the config history"));
        ObjectNode doc;
        try {
            doc = seal.decode(text);
        } catch (ServerConfig.InvalidConfigException | PersistenceException e) {
            throw new ApiError.Failure(422, "invalid_config", "version " + v + " cannot be read back");
        }
        return replace(write.as("restore", "restore of version " + v), doc);
    }

    /** The kept versions, newest first. */
    public List<ConfigVersion> history() {
        return store.history();
    }

    /** Kept version {@code v} as YAML with its secrets masked. */
    public Optional<String> maskedVersion(long v) {
        return store.historyContent(v).map(text -> toYaml(ConfigSeal.mask(seal.decode(text))));
    }

    /** The sealed secret fields of the stored document, for the data key re-sealing pass. */
    public SealedValues sealedValues() {
        return new ConfigSeals(store, seal, this);
    }

    /** The problems of a document, empty when it is usable. */
    List<String> problems(ObjectNode doc) {
        List<String> problems = new ArrayList<>(ConfigShape.check(doc));
        problems.addAll(validator.apply(doc.deepCopy()));
        return problems;
    }

    /** Re-reads the store (another replica may have written); notifies listeners when the document changed. */
    public void reload() {
        ObjectNode changed = null;
        synchronized (this) {
            Optional<Versioned<String>> stored = store.load();
            if (stored.isPresent() && stored.get().version() != version) {
                try {
                    document = seal.decode(stored.get().value());
                } catch (ServerConfig.InvalidConfigException | PersistenceException e) {
                    LOG.log(System.Logger.Level.WARNING, "The stored config (version " + stored.get().version()
                            + ") cannot be read; keeping the running one");
                    return;
                }
                version = stored.get().version();
                changed = document.deepCopy();
            }
        }
        if (changed != null) {
            notifyListeners(changed);
        }
    }

    private void notifyListeners(ObjectNode doc) {
        for (Consumer<ObjectNode> l : listeners) {
            try {
                l.accept(doc.deepCopy());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A config listener failed: " + e.getClass().getSimpleName());
            }
        }
    }

    /** YAML text of a document (block style, keys in document order). */
    public static String toYaml(ObjectNode doc) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        if (doc.isEmpty()) {
            return "{}\n";
        }
        Map<?, ?> tree = Json.MAPPER.convertValue(doc, Map.class);
        return new Yaml(o).dump(tree);
    }

    /** A value at a dotted path ({@code routing.strategy}), or a missing node. */
    public static JsonNode at(JsonNode doc, String dotted) {
        JsonNode n = doc;
        for (String part : dotted.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }
}
