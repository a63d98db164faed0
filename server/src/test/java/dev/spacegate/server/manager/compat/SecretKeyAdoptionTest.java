package dev.spacegate.server.manager.compat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.store.ConfigVersion;
import dev.spacegate.persistence.store.DbConfigStore;
import dev.spacegate.server.config.ServerConfig;
import dev.spacegate.server.manager.config.LiveConfig;
import dev.spacegate.server.manager.setup.ManagementKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** remote-management.secret-key: adopted without MANAGEMENT_PASSWORD, always kept only as a hash. */
class SecretKeyAdoptionTest {
    private static final String SECRET = "config-secret-not-secret";
    private Path dir;
    private Persistence p;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("sg-secret-");
        p = Persistence.open(PersistenceSettings.fromEnv(Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", TestPg.TEST_DATA_KEY)));
    }

    @AfterEach
    void close() throws Exception {
        p.close();
        TestPg.deleteTree(dir);
    }

    private static ObjectNode doc(String secret) {
        return ServerConfig.parseYaml("remote-management: {allow-remote: true, secret-key: \"" + secret + "\"}\n");
    }

    @Test
    void withoutAnEnvironmentPasswordThePlaintextBecomesTheKeyAndTheConfigKeepsAHash() {
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.empty(), Clock.systemUTC());
        ObjectNode d = SecretKeyAdoption.prepare(doc(SECRET), keys);
        String kept = d.path("remote-management").path("secret-key").asText();
        assertTrue(ManagementKeys.isHashed(kept) && !kept.contains(SECRET), kept);
        assertTrue(keys.verify(SECRET));
        assertTrue(ManagementKeys.open(p.settings(), Optional.empty(), Clock.systemUTC()).verify(SECRET),
                "stored: a restart keeps it");
        ObjectNode again = SecretKeyAdoption.prepare(d.deepCopy(), keys);
        assertTrue(again.equals(d), "a hash is left alone");
    }

    @Test
    void withAnEnvironmentPasswordItIsOnlyHashed() {
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.of("env-key-not-secret"), Clock.systemUTC());
        keys.startCheck().join(); // the start's check stores MANAGEMENT_PASSWORD on a thread of its own
        ObjectNode d = SecretKeyAdoption.prepare(doc(SECRET), keys);
        assertFalse(keys.verify(SECRET), "MANAGEMENT_PASSWORD wins");
        assertTrue(keys.verify("env-key-not-secret"));
        assertTrue(ManagementKeys.isHashed(d.path("remote-management").path("secret-key").asText()));
    }

    @Test
    void theConfigKeepsASlowHashAndAnOlderFastOneIsLeftAlone() {
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.of("env-key-not-secret"), Clock.systemUTC());
        keys.startCheck().join(); // the start's check stores MANAGEMENT_PASSWORD on a thread of its own
        String kept = SecretKeyAdoption.prepare(doc(SECRET), keys).path("remote-management").path("secret-key")
                .asText();
        assertTrue(kept.startsWith("spacegate-pbkdf2:600000:"), "PBKDF2 with the management key's work factor: "
                + kept);
        // what an older version wrote (one salted HMAC-SHA256) is a hash too: never taken for a key, kept as it is
        String fast = "spacegate-hash:c2FsdC1ub3Qtc2VjcmV0:aGFzaC1ub3Qtc2VjcmV0";
        assertTrue(SecretKeyAdoption.prepare(doc(fast), keys).path("remote-management").path("secret-key").asText()
                .equals(fast));
        assertFalse(keys.verify(fast));
    }

    @Test
    void noConfigVersionKeptInTheHistoryHoldsThePlaintext() {
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.empty(), Clock.systemUTC());
        DbConfigStore store = new DbConfigStore(p.database());
        // no sealing here, so a plaintext would show in the stored text
        LiveConfig config = LiveConfig.open(store, ServerConfig.parseYaml("request-retry: 1\n"), d -> List.of());
        SecretKeyAdoption.follow(config, keys);
        config.update(d -> d.putObject("remote-management").put("secret-key", SECRET));
        config.update(d -> d.put("request-retry", 2));
        assertTrue(keys.verify(SECRET), "adopted");
        assertTrue(store.history().size() >= 3, store.history().toString());
        for (ConfigVersion v : store.history()) {
            String text = store.historyContent(v.version()).orElseThrow();
            assertFalse(text.contains(SECRET), "version " + v.version() + " holds the plaintext: " + text);
        }
        assertTrue(ManagementKeys.isHashed(config.current().path("remote-management").path("secret-key").asText()));
    }

    @Test
    void aBcryptHashFromCliProxyApiIsKeptAndNotUsed() {
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.of("env-key-not-secret"), Clock.systemUTC());
        keys.startCheck().join(); // the start's check stores MANAGEMENT_PASSWORD on a thread of its own
        String bcrypt = "$2a$10$" + "a".repeat(53);
        ObjectNode d = SecretKeyAdoption.prepare(doc(bcrypt), keys);
        assertTrue(d.path("remote-management").path("secret-key").asText().equals(bcrypt));
        assertFalse(keys.verify(bcrypt));
    }
}
