package dev.spacegate.server.manager.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.setup.ManagementKeys;

/**
 * CLIProxyAPI's {@code remote-management.secret-key} when {@code MANAGEMENT_PASSWORD} is unset: a plaintext value
 * becomes the management key (hashed by {@link ManagementKeys}) and the config keeps the hash in its place, as
 * CLIProxyAPI writes its bcrypt hash back. A bcrypt hash copied from CLIProxyAPI cannot be turned back into a key;
 * it is reported once. The key is never logged.
 */
final class SecretKeyAdoption {
    private static final System.Logger LOG = System.getLogger(SecretKeyAdoption.class.getName());

    private final LiveConfig config;
    private final ManagementKeys keys;
    private volatile String reportedBcrypt = "";

    SecretKeyAdoption(LiveConfig config, ManagementKeys keys) {
        this.config = config;
        this.keys = keys;
    }

    /** Applies the current document now and after every change. */
    void start() {
        apply(config.current());
        config.onChange(this::apply);
    }

    private void apply(ObjectNode doc) {
        JsonNode v = doc.path("remote-management").path("secret-key");
        String value = v.isTextual() ? v.asText().trim() : "";
        if (value.isEmpty() || ManagementKeys.isHashed(value)) {
            return;
        }
        if (value.matches("^\\$2[abxy]?\\$\\d\\d\\$.{53}$")) {
            if (!reportedBcrypt.equals(value)) {
                reportedBcrypt = value;
                LOG.log(System.Logger.Level.WARNING, "remote-management.secret-key holds a CLIProxyAPI bcrypt hash,"
                        + " which cannot be turned back into a key; the management key stays as it is (set"
                        + " MANAGEMENT_PASSWORD, or the plaintext key in secret-key)");
            }
            return;
        }
        if (keys.adopt(value, "config")) {
            LOG.log(System.Logger.Level.INFO, "Management key set from remote-management.secret-key (a key printed"
                    + " above at first start is replaced); the config keeps only its hash");
        }
        String hashed = keys.hashed();
        config.update(d -> {
            JsonNode rm = d.get("remote-management");
            if (rm instanceof ObjectNode o && value.equals(o.path("secret-key").asText().trim())) {
                o.put("secret-key", hashed);
            }
        });
    }
}
