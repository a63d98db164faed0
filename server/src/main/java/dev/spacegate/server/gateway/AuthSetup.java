package dev.spacegate.server.gateway;

import dev.spacegate.server.gateway.oauth.AuthFileStore;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.oauth.RefreshLock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;

/**
 * The one start-up call that gives the gateway its auth files: attach the persisted AuthStore (with the right
 * refresh lock for the database) and import a folder of CLIProxyAPI auth files once.
 *
 * <pre>
 * AuthSetup.attach(gateway, persistence, configTree, System.getenv());
 * </pre>
 */
public final class AuthSetup {
    private static final System.Logger LOG = System.getLogger(AuthSetup.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Settings key that remembers which files were imported, so a deleted auth file is not imported again. */
    static final String IMPORT_KEY = "auth-import";

    private AuthSetup() {
    }

    /**
     * Attaches {@code persistence.auths()} to {@code gateway} and imports {@code AUTH_IMPORT_DIR} (or the config's
     * {@code auth-dir} when it is a folder with auth files). {@code auth_index} is computed against {@code auth-dir}
     * (default {@code ~/.cli-proxy-api}, CLIProxyAPI's), so migrated usage history keeps its credential ids.
     */
    public static AuthFiles attach(GatewayService gateway, Persistence persistence, JsonNode config,
                                      Map<String, String> env) {
        Path authDir = authDir(config);
        AuthFiles files = gateway.attachAuthStore(persistence.auths(), RefreshLock.of(persistence.database()),
                authDir);
        Optional<Path> importDir = envImportDir(env)
                .or(() -> Files.isDirectory(authDir) ? Optional.of(authDir) : Optional.empty());
        importDir.ifPresent(dir -> importOnce(files.store(), dir, persistence.settings()));
        return files;
    }

    /**
     * Follows a changed {@code auth-dir} as a start with the new value would: {@code auth_index} is computed against
     * the new folder, and the folder is imported once unless {@code AUTH_IMPORT_DIR} names the import folder. Called
     * with every saved config (on every replica); a document with the same {@code auth-dir} changes nothing.
     */
    public static void follow(AuthFiles files, SettingsStore settings, JsonNode config, Map<String, String> env) {
        Path dir = authDir(config);
        if (dir.equals(files.registry().authDir())) {
            return;
        }
        files.registry().authDir(dir);
        if (envImportDir(env).isEmpty() && Files.isDirectory(dir)) {
            importOnce(files.store(), dir, settings);
        }
    }

    private static Optional<Path> envImportDir(Map<String, String> env) {
        return Optional.ofNullable(env.get("AUTH_IMPORT_DIR")).filter(s -> !s.isBlank()).map(Path::of);
    }

    /** {@code auth-dir} with {@code ~} expanded; CLIProxyAPI's default when unset. */
    public static Path authDir(JsonNode config) {
        String raw = config == null ? "" : config.path("auth-dir").asText("");
        if (raw.isBlank()) {
            raw = "~/.cli-proxy-api";
        }
        if (raw.startsWith("~")) {
            raw = System.getProperty("user.home") + raw.substring(1);
        }
        return Path.of(raw).toAbsolutePath().normalize();
    }

    /** Imports the folder's files that were never imported before; remembers them in the settings store. */
    public static List<String> importOnce(AuthFileStore store, Path dir, SettingsStore settings) {
        Optional<Versioned<JsonNode>> marker = settings.get(IMPORT_KEY);
        Set<String> done = new LinkedHashSet<>();
        marker.ifPresent(m -> m.value().path("files").forEach(n -> done.add(n.asText())));
        List<String> imported = store.importFrom(dir, done);
        if (!imported.isEmpty()) {
            done.addAll(imported);
            ObjectNode value = JSON.createObjectNode();
            ArrayNode files = value.putArray("files");
            done.forEach(files::add);
            try {
                settings.put(IMPORT_KEY, value, marker.map(Versioned::version).orElse(SettingsStore.ABSENT));
            } catch (PersistenceException e) {
                // another replica imported at the same moment; its marker covers the same folder
                LOG.log(System.Logger.Level.INFO, "auth import marker written by another replica");
            }
        }
        return imported;
    }
}
