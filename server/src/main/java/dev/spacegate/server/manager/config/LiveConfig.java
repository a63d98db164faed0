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
import dev.spacegate.persistence.store.ConfigStore;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.web.Json;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The running config document (CLIProxyAPI {@code config.yaml} keys). The copy in the ConfigStore is authoritative:
 * a local config file only seeds an empty store. Every change is validated (built-in shape checks plus the injected
 * validator), saved with compare-and-set, and then handed to the listeners (the gateway reloads), so nothing needs a
 * restart.
 */
public final class LiveConfig {
    private static final System.Logger LOG = System.getLogger(LiveConfig.class.getName());

    private final ConfigStore store;
    private final Function<ObjectNode, List<String>> validator;
    private final List<Consumer<ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private ObjectNode document;
    private long version;

    private LiveConfig(ConfigStore store, Function<ObjectNode, List<String>> validator) {
        this.store = store;
        this.validator = validator;
    }

    /**
     * Loads the stored document, or seeds the store with {@code seed} (the local file's document) when it is empty.
     *
     * @param validator extra checks (the gateway's); returns the problems, empty when the document is usable
     */
    public static LiveConfig open(ConfigStore store, ObjectNode seed, Function<ObjectNode, List<String>> validator) {
        LiveConfig live = new LiveConfig(store, validator);
        Optional<Versioned<String>> stored = store.load();
        if (stored.isPresent()) {
            live.document = ServerConfig.parseYaml(stored.get().value());
            live.version = stored.get().version();
        } else {
            live.document = seed.deepCopy();
            live.version = seed.isEmpty() ? 0 : store.save(toYaml(seed), 0);
            if (!seed.isEmpty()) {
                LOG.log(System.Logger.Level.INFO, "Config store seeded from the local config file");
            }
        }
        return live;
    }

    /** A copy of the current document. */
    public synchronized ObjectNode current() {
        return document.deepCopy();
    }

    /** The stored version of the current document (0 when none is stored). */
    public synchronized long version() {
        return version;
    }

    /** The current document as YAML. */
    public synchronized String yaml() {
        return toYaml(document);
    }

    /** Registers a listener called with a copy of the document after every saved change. */
    public void onChange(Consumer<ObjectNode> listener) {
        listeners.add(listener);
    }

    /** Replaces the whole document. */
    public void replace(ObjectNode next) {
        update(doc -> {
            doc.removeAll();
            doc.setAll(next);
        });
    }

    /**
     * Applies an edit to a copy, validates, saves and notifies.
     *
     * @throws ApiError.Failure 422 {@code invalid_config} naming the problems; 409 {@code config_conflict} when
     *                          another replica saved first (the document is reloaded, the caller may retry)
     */
    public void update(Consumer<ObjectNode> edit) {
        ObjectNode saved;
        synchronized (this) {
            ObjectNode next = document.deepCopy();
            edit.accept(next);
            List<String> problems = new ArrayList<>(ConfigShape.check(next));
            problems.addAll(validator.apply(next.deepCopy()));
            if (!problems.isEmpty()) {
                throw new ApiError.Failure(422, "invalid_config", "invalid config: " + String.join("; ", problems));
            }
            try {
                version = store.save(toYaml(next), version);
            } catch (PersistenceException e) {
                if (e.code() == PersistenceException.Code.VERSION_CONFLICT) {
                    reload();
                    throw new ApiError.Failure(409, "config_conflict",
                            "the config was changed by another writer; reload and try again");
                }
                throw e;
            }
            document = next;
            saved = next.deepCopy();
        }
        notifyListeners(saved);
    }

    /** Re-reads the store (another replica may have written); notifies listeners when the document changed. */
    public void reload() {
        ObjectNode changed = null;
        synchronized (this) {
            Optional<Versioned<String>> stored = store.load();
            if (stored.isPresent() && stored.get().version() != version) {
                document = ServerConfig.parseYaml(stored.get().value());
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
