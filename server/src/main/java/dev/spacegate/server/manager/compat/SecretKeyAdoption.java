package dev.spacegate.server.manager.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.setup.ManagementKeys;

/**
 * CLIProxyAPI's {@code remote-management.secret-key}: a plaintext value is replaced by its hash before the document
 * is stored (as CLIProxyAPI writes its bcrypt hash back), and when {@code MANAGEMENT_PASSWORD} is unset it becomes
 * the management key. A bcrypt hash copied from CLIProxyAPI cannot be turned back into a key; it is reported. The
 * key is never logged.
 */
public final class SecretKeyAdoption {
    private static final System.Logger LOG = System.getLogger(SecretKeyAdoption.class.getName());
    private static final String BCRYPT = "^\\$2[abxy]?\\$\\d\\d\\$.{53}$";

    private SecretKeyAdoption() {
    }

    /**
     * Prepares a document about to be stored (the seed of an empty store, a replaced config.yaml): adopts a
     * plaintext secret-key as the management key unless {@code MANAGEMENT_PASSWORD} is set, and puts its hash in
     * its place. Returns {@code doc}, changed in place.
     */
    public static ObjectNode prepare(ObjectNode doc, ManagementKeys keys) {
        JsonNode rm = doc.get("remote-management");
        if (!(rm instanceof ObjectNode section) || !section.path("secret-key").isTextual()) {
            return doc;
        }
        String value = section.path("secret-key").asText().trim();
        if (value.isEmpty() || ManagementKeys.isHashed(value)) {
            return doc;
        }
        if (value.matches(BCRYPT)) {
            LOG.log(System.Logger.Level.WARNING, "remote-management.secret-key holds a CLIProxyAPI bcrypt hash, which"
                    + " cannot be turned back into a key; the management key stays as it is (set MANAGEMENT_PASSWORD,"
                    + " or the plaintext key in secret-key)");
            return doc;
        }
        if (keys.fromEnvironment()) {
            LOG.log(System.Logger.Level.INFO, "remote-management.secret-key is not used: MANAGEMENT_PASSWORD sets"
                    + " the management key; the config keeps only the secret-key's hash");
        } else if (keys.adopt(value, "config")) {
            LOG.log(System.Logger.Level.INFO, "Management key set from remote-management.secret-key (a key printed"
                    + " at first start is replaced); the config keeps only its hash");
        }
        section.put("secret-key", ManagementKeys.hashForConfig(value));
        return doc;
    }

    /**
     * Applies {@link #prepare} to every document written from now on, before it is stored (so the config history never
     * keeps a plaintext secret-key), and once to the stored document (an older version may have kept one).
     */
    public static void follow(LiveConfig config, ManagementKeys keys) {
        config.beforeSave(doc -> prepare(doc, keys));
        JsonNode v = config.current().path("remote-management").path("secret-key");
        String value = v.isTextual() ? v.asText().trim() : "";
        if (!value.isEmpty() && !ManagementKeys.isHashed(value) && !value.matches(BCRYPT)) {
            config.update(d -> { }); // the write itself runs prepare
        }
    }
}
