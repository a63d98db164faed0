package dev.spacegate.server.manager.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.spacegate.persistence.seal.SecretBox;
import dev.spacegate.server.config.ServerConfig;

/**
 * The secret fields of a config document (upstream API keys, client keys, proxy URLs with their passwords, external
 * management keys) sealed with the data key for the store, opened again when read, or masked for display. The rest
 * of the document stays readable YAML, so a stored row can still be diffed and inspected.
 */
public final class ConfigSeal {
    /** Field names whose text values are secrets, wherever they appear in the document. */
    static final Set<String> SECRET_FIELDS = Set.of("api-key", "secret-key", "proxy-url", "password",
            "management-key");
    /** Top-level lists whose text entries are secrets. */
    static final Set<String> SECRET_LISTS = Set.of("api-keys");

    private final SecretBox box;

    /** @param box the data key ring; null keeps documents as they are (tests without storage secrets) */
    public ConfigSeal(SecretBox box) {
        this.box = box;
    }

    /** The stored text of a document: secret fields sealed. */
    public String encode(ObjectNode doc) {
        return LiveConfig.toYaml(box == null ? doc : map(doc, (field, value) -> SecretBox.isSealed(value) ? value
                : box.sealText(value, context(field))));
    }

    /**
     * A document from its stored text: sealed fields opened (clear ones, from older releases, are taken as they are).
     *
     * @throws ServerConfig.InvalidConfigException when the text is not a YAML mapping
     * @throws dev.spacegate.persistence.PersistenceException when a sealed field cannot be opened
     */
    public ObjectNode decode(String stored) {
        ObjectNode doc = ServerConfig.parseYaml(stored);
        return box == null ? doc : map(doc, (field, value) -> SecretBox.isSealed(value)
                ? box.openText(value, context(field)) : value);
    }

    /** True when a secret field of the stored text is in clear or sealed under an older data key. */
    public boolean needsSealing(String stored) {
        if (box == null) {
            return false;
        }
        boolean[] found = {false};
        map(ServerConfig.parseYaml(stored), (field, value) -> {
            found[0] |= !SecretBox.isSealed(value) || box.needsReseal(value);
            return value;
        });
        return found[0];
    }

    /** The key id of each sealed field of the stored text, by field path (for re-sealing and status). */
    public static Map<String, String> keyIds(String stored) {
        Map<String, String> ids = new LinkedHashMap<>();
        int[] n = {0};
        map(ServerConfig.parseYaml(stored), (field, value) -> {
            SecretBox.keyIdOf(value).ifPresent(id -> ids.put(field + "#" + n[0]++, id));
            return value;
        });
        return ids;
    }

    /** A copy with every secret shown as its first and last four characters (or asterisks when short). */
    public static ObjectNode mask(ObjectNode doc) {
        return map(doc, (field, value) -> maskValue(value));
    }

    /** One secret value, masked as {@link #mask} shows it. */
    public static String maskValue(String value) {
        return value.length() < 16 ? "****" : value.substring(0, 4) + "..." + value.substring(value.length() - 4);
    }

    private static String context(String field) {
        return "config." + field;
    }

    /** A copy of {@code doc} with {@code f(field, value)} applied to every non-empty secret text. */
    static ObjectNode map(ObjectNode doc, BiFunction<String, String, String> f) {
        ObjectNode out = doc.deepCopy();
        for (String list : SECRET_LISTS) {
            if (out.get(list) instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i).isTextual() && !a.get(i).asText().isEmpty()) {
                        a.set(i, TextNode.valueOf(f.apply(list, a.get(i).asText())));
                    }
                }
            }
        }
        walk(out, f);
        return out;
    }

    private static void walk(JsonNode node, BiFunction<String, String, String> f) {
        if (node instanceof ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode v = o.get(name);
                if (SECRET_FIELDS.contains(name) && v.isTextual() && !v.asText().isEmpty()) {
                    o.set(name, TextNode.valueOf(f.apply(name, v.asText())));
                } else {
                    walk(v, f);
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(child -> walk(child, f));
        }
    }
}
