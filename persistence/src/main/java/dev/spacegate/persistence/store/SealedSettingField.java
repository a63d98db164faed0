package dev.spacegate.persistence.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.seal.SealedValues;
import dev.spacegate.persistence.seal.SecretBox;

import java.util.Map;
import java.util.Optional;

/**
 * One sealed text field of a settings document (e.g. the external CLIProxyAPI management key in
 * {@code manager.setup}) as {@link SealedValues}; re-sealing writes the document back with compare-and-set, so a
 * concurrent change wins and the next pass looks again.
 */
public record SealedSettingField(SettingsStore settings, SecretBox box, String key, String field, String context)
        implements SealedValues {

    @Override
    public String kind() {
        return "setting";
    }

    @Override
    public Map<String, String> keyIds() {
        return sealed().flatMap(SecretBox::keyIdOf).map(id -> Map.of(key + "." + field, id)).orElse(Map.of());
    }

    private Optional<String> sealed() {
        return settings.get(key).map(v -> v.value().path(field)).filter(JsonNode::isTextual).map(JsonNode::asText)
                .filter(SecretBox::isSealed);
    }

    @Override
    public void reseal(String slot) {
        Optional<Versioned<JsonNode>> doc = settings.get(key);
        if (doc.isEmpty() || !doc.get().value().path(field).isTextual()) {
            return;
        }
        String sealed = doc.get().value().path(field).asText();
        String plain = box.openText(sealed, context);
        if (!box.needsReseal(sealed)) {
            return;
        }
        ObjectNode next = ((ObjectNode) doc.get().value()).deepCopy();
        next.put(field, box.sealText(plain, context));
        try {
            settings.put(key, next, doc.get().version());
        } catch (PersistenceException e) {
            if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                throw e;
            }
        }
    }
}
