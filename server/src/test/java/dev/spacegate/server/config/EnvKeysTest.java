package dev.spacegate.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvKeysTest {

    @Test
    void currentKeysCarryOptionalLabelsAndPreviousKeysTheirWindow() {
        EnvKeys keys = EnvKeys.fromEnv(Map.of("CLIENT_API_KEYS", " sk-a;label=ci , sk-b ",
                "CLIENT_API_KEYS_PREVIOUS", "sk-old;until=2026-12-10T00:00Z"), "CLIENT_API_KEYS", true);

        assertEquals(List.of(new EnvKeys.Key("sk-a", "ci", false, Optional.empty()),
                new EnvKeys.Key("sk-b", "env-2", false, Optional.empty()),
                new EnvKeys.Key("sk-old", "env-1", true, Optional.of(Instant.parse("2026-12-10T00:00:00Z")))),
                keys.keys());
        EnvKeys.Key old = keys.find("sk-old").orElseThrow();
        assertTrue(old.validAt(Instant.parse("2026-12-09T23:59:59Z")));
        assertFalse(old.validAt(Instant.parse("2026-12-10T00:00:00Z")));
        assertEquals(Optional.empty(), keys.find("sk-c"));
        String message = keys.expiredMessage(old);
        assertTrue(message.contains("CLIENT_API_KEYS_PREVIOUS") && message.contains("2026-12-10T00:00:00Z"), message);
        assertFalse(message.contains("sk-old"));
        assertFalse(keys.toString().contains("sk-"), "no key in toString");
    }

    @Test
    void aManagementPasswordIsOneValueEvenWithCommasAndAttributesInAnyOrder() {
        EnvKeys keys = EnvKeys.fromEnv(Map.of("MANAGEMENT_PASSWORD", "a,b;c",
                "MANAGEMENT_PASSWORD_PREVIOUS", "x,y;until=2026-12-10;label=old"), "MANAGEMENT_PASSWORD", false);

        assertEquals("a,b;c", keys.keys().get(0).value());
        assertEquals(new EnvKeys.Key("x,y", "old", true, Optional.of(Instant.parse("2026-12-10T00:00:00Z"))),
                keys.keys().get(1));
    }

    @Test
    void aPreviousKeyWithoutAnEndOrWithABadTimeIsRefusedNamingTheVariable() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> EnvKeys.fromEnv(
                Map.of("CLIENT_API_KEYS_PREVIOUS", "sk-old-not-secret"), "CLIENT_API_KEYS", true));
        assertTrue(none.getMessage().startsWith("CLIENT_API_KEYS_PREVIOUS: key 1 has no end"), none.getMessage());
        assertFalse(none.getMessage().contains("sk-old-not-secret"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> EnvKeys.fromEnv(
                Map.of("CLIENT_API_KEYS_PREVIOUS", "sk-old;until=next week"), "CLIENT_API_KEYS", true));
        assertTrue(bad.getMessage().contains("until=next week is not a time"), bad.getMessage());
    }
}
