package dev.spacegate.space.steps;

import dev.spacegate.space.PublishException;
import dev.spacegate.space.hub.HubClient;
import dev.spacegate.space.hub.SpaceId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sets the Space's secrets and variables from the environment variables named by {@code --secret} and
 * {@code --variable}. Values are never printed. A secret's description carries a keyed fingerprint of its value
 * (HMAC-SHA256 under the HF token), so an unchanged secret is not re-sent: every change restarts the Space.
 * Names whose variable is unset are left alone; {@code --delete-secret NAME} deletes one (a rotation's
 * {@code *_PREVIOUS} after its window), {@code --prune} deletes what is not named.
 */
public final class SyncSecretsStep implements Step {
    private static final String DESCRIPTION_PREFIX = "Set by the Spacegate publisher; fingerprint ";

    @Override
    public String name() {
        return "secrets";
    }

    @Override
    public void run(PublishContext ctx) {
        SpaceId id = ctx.space();
        HubClient hub = ctx.hub();
        Set<String> secretNames = new LinkedHashSet<>(ctx.options().all("secret"));
        Set<String> variableNames = new LinkedHashSet<>(ctx.options().all("variable"));
        secretNames.removeAll(ctx.options().all("delete-secret"));
        for (String n : secretNames) {
            if (variableNames.contains(n)) {
                throw new PublishException("usage", n + " is named both as --secret and --variable");
            }
        }
        List<String> changes = new ArrayList<>();
        int unchanged = 0;

        Map<String, String> secretDescriptions = hub.secretDescriptions(id);
        for (String name : secretNames) {
            var value = ctx.env(name);
            if (value.isEmpty()) {
                ctx.reporter().info(name(), "secret " + name + ": not set in the environment, left as it is");
                continue;
            }
            String description = DESCRIPTION_PREFIX + fingerprint(ctx.token(), name, value.get());
            if (description.equals(secretDescriptions.get(name))) {
                unchanged++;
                continue;
            }
            hub.setSecret(id, name, value.get(), description);
            changes.add("secret " + name + (secretDescriptions.containsKey(name) ? " updated" : " added"));
        }
        Map<String, String> variables = hub.variables(id);
        for (String name : variableNames) {
            var value = ctx.env(name);
            if (value.isEmpty()) {
                ctx.reporter().info(name(), "variable " + name + ": not set in the environment, left as it is");
                continue;
            }
            if (value.get().equals(variables.get(name))) {
                unchanged++;
                continue;
            }
            hub.setVariable(id, name, value.get());
            changes.add("variable " + name + (variables.containsKey(name) ? " updated" : " added"));
        }
        for (String name : ctx.options().all("delete-secret")) {
            if (secretDescriptions.containsKey(name)) {
                hub.deleteSecret(id, name);
                changes.add("secret " + name + " deleted");
            } else {
                ctx.reporter().info(name(), "secret " + name + ": not on the Space, nothing to delete");
            }
        }
        if (ctx.options().has("prune")) {
            for (String name : secretDescriptions.keySet()) {
                if (!secretNames.contains(name) && !ctx.options().all("delete-secret").contains(name)) {
                    hub.deleteSecret(id, name);
                    changes.add("secret " + name + " deleted");
                }
            }
            for (String name : variables.keySet()) {
                if (!variableNames.contains(name)) {
                    hub.deleteVariable(id, name);
                    changes.add("variable " + name + " deleted");
                }
            }
        }
        changes.forEach(c -> ctx.reporter().info(name(), c));
        ctx.reporter().info(name(), changes.size() + " changed, " + unchanged + " unchanged");
        if (!changes.isEmpty()) {
            ctx.settingsChanged = true;
        }
    }

    /** A keyed fingerprint of a value: reveals nothing without the token, changes when the value changes. */
    static String fingerprint(String key, String name, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal((name + "\0" + value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
