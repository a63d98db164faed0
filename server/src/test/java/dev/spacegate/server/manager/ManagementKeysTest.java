package dev.spacegate.server.manager;

import dev.spacegate.persistence.TestPg;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.manager.setup.ManagementKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The management key's life: generated once and printed once, stored only as a salted hash, env rotation. */
class ManagementKeysTest {
    Path dir;
    Persistence p;

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("sg-keys-");
        p = Persistence.open(PersistenceSettings.fromEnv(java.util.Map.of("DATA_DIR", dir.toString(),
                "DATA_KEY", ManagerHarness.DATA_KEY)));
    }

    @AfterEach
    void close() throws Exception {
        p.close();
        TestPg.deleteTree(dir);
    }

    private String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void generatedOnceShownOnceStoredAsSaltedHash() {
        ManagementKeys[] first = new ManagementKeys[1];
        String out = captureStdout(() -> first[0] = ManagementKeys.open(p.settings(), Optional.empty(),
                Clock.systemUTC()));
        Matcher m = Pattern.compile("(sgm_[A-Za-z0-9]{32})").matcher(out);
        assertTrue(m.find(), "the generated key is printed once");
        String key = m.group(1);
        assertTrue(first[0].verify(key));
        assertFalse(first[0].verify(key + "x"));
        assertFalse(first[0].verify(""));
        String stored = p.settings().get(ManagementKeys.SETTINGS_KEY).orElseThrow().value().toString();
        assertFalse(stored.contains(key.substring(4)), "only a hash is stored");
        assertTrue(stored.contains("salt") && stored.contains("keyHash"));

        String second = captureStdout(() -> assertTrue(ManagementKeys.open(p.settings(), Optional.empty(),
                Clock.systemUTC()).verify(key), "a restart keeps the key"));
        assertEquals("", second, "never printed again");
    }

    @Test
    void managementPasswordIsTheKeyAndChangingItRotates() {
        ManagementKeys a = ManagementKeys.open(p.settings(), Optional.of("first-password-not-secret"),
                Clock.systemUTC());
        assertTrue(a.verify("first-password-not-secret"));
        a.startCheck().join();
        ManagementKeys b = ManagementKeys.open(p.settings(), Optional.of("second-password-not-secret"),
                Clock.systemUTC());
        assertTrue(b.verify("second-password-not-secret"));
        assertFalse(b.verify("first-password-not-secret"));
        b.startCheck().join();
        assertTrue(b.verify("second-password-not-secret"));
        assertFalse(b.verify("first-password-not-secret"), "the stored key is the new one");
        assertFalse(p.settings().get(ManagementKeys.SETTINGS_KEY).orElseThrow().value().toString()
                .contains("second-password"));
        assertTrue(ManagementKeys.generate().matches("sgm_[A-Za-z0-9]{32}"));
    }

    /** The start's slow check waits for the server to listen; whatever needs the stored key before that begins it. */
    @Test
    void theStartsCheckBeginsOnceTheServerListensOrWhenTheStoredKeyIsNeeded() throws Exception {
        CompletableFuture<Void> listening = new CompletableFuture<>();
        ManagementKeys keys = ManagementKeys.open(p.settings(), Optional.of("first-password-not-secret"),
                Clock.systemUTC(), listening);
        assertTrue(keys.verify("first-password-not-secret"), "MANAGEMENT_PASSWORD opens meanwhile");
        assertFalse(keys.startCheck().isDone());
        assertTrue(p.settings().get(ManagementKeys.SETTINGS_KEY).isEmpty(), "nothing stored before the server listens");
        listening.complete(null);
        keys.startCheck().get(30, TimeUnit.SECONDS);
        assertTrue(p.settings().get(ManagementKeys.SETTINGS_KEY).isPresent());

        ManagementKeys other = ManagementKeys.open(p.settings(), Optional.of("second-password-not-secret"),
                Clock.systemUTC(), new CompletableFuture<>());
        // adopting a key needs the stored one: the check runs now instead of waiting for a start that never comes
        assertFalse(other.adopt("second-password-not-secret", "config"), "it already is the key");
        assertTrue(other.startCheck().isDone());
        assertFalse(other.verify("first-password-not-secret"), "the stored key is the new one");
    }

    /** A check that fails in an unexpected way ends the wait for it with that failure instead of never ending it. */
    @Test
    void aCheckThatBreaksFailsItsWaitersInsteadOfHangingThem() throws Exception {
        SettingsStore broken = new Wrapped(p.settings()) {
            @Override
            public Optional<Versioned<JsonNode>> get(String key) {
                throw new IllegalStateException("unreadable setting");
            }
        };
        ManagementKeys keys = ManagementKeys.open(broken, Optional.of("first-password-not-secret"), Clock.systemUTC(),
                CompletableFuture.completedFuture(null));
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> keys.startCheck().get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    }

    /**
     * Two replicas started together on a fresh database both store MANAGEMENT_PASSWORD; the writes are held until both
     * have read the empty setting, so one of them always loses the race. It used to fail its start with
     * VERSION_CONFLICT; both must come up and take the key.
     */
    @Test
    void replicasStoringThePasswordAtOnceBothStart() throws Exception {
        java.util.concurrent.CountDownLatch bothRead = new java.util.concurrent.CountDownLatch(2);
        SettingsStore shared = p.settings();
        SettingsStore racing = new Wrapped(shared) {
            @Override
            public long put(String key, JsonNode value, long expectedVersion) {
                bothRead.countDown(); // the first write of each replica waits for the other's
                try {
                    bothRead.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.put(key, value, expectedVersion);
            }
        };
        String key = "replica-password-not-secret";
        try (java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2)) {
            java.util.List<java.util.concurrent.Future<ManagementKeys>> started = two.invokeAll(java.util.List.of(
                    () -> ManagementKeys.open(racing, Optional.of(key), Clock.systemUTC()),
                    () -> ManagementKeys.open(racing, Optional.of(key), Clock.systemUTC())));
            for (java.util.concurrent.Future<ManagementKeys> f : started) {
                // each replica's check (a thread of its own) stores or confirms the key without failing
                f.get().startCheck().get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertTrue(f.get().verify(key), "each replica started and takes the key");
            }
        }
        assertTrue(ManagementKeys.open(p.settings(), Optional.empty(), Clock.systemUTC()).verify(key),
                "the stored key is the password");
    }

    @Test
    void theEnvironmentPasswordIsCheckedAfterOpenReturnsAndOpensMeanwhile() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        SettingsStore shared = p.settings();
        SettingsStore held = new Wrapped(shared) {
            @Override
            public Optional<Versioned<JsonNode>> get(String key) {
                try {
                    release.await(); // the database answers only when the test says so
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.get(key);
            }
        };
        String key = "checked-later-password-not-secret";
        // the server's start does not wait for the slow check (it would block here until release)
        ManagementKeys keys = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(20), () -> ManagementKeys.open(held, Optional.of(key), Clock.systemUTC()));
        // a replica's change listener calling reload must not wait for the slow check either
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), keys::reload);
        assertTrue(keys.verify(key), "meanwhile MANAGEMENT_PASSWORD opens");
        assertFalse(keys.verify("wrong-not-secret"), "and nothing else does");
        release.countDown();
        awaitStored(keys, key);
        assertTrue(keys.verify(key));
    }

    /** Waits for the start's check (it runs on a thread of its own), then checks {@code key} is the stored key. */
    private void awaitStored(ManagementKeys keys, String key) throws Exception {
        keys.startCheck().get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(ManagementKeys.open(p.settings(), Optional.empty(), Clock.systemUTC()).verify(key), "stored");
    }

    @Test
    void aDatabaseAwayDuringTheStartCheckDoesNotKeepManagementShut() throws Exception {
        java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(1);
        SettingsStore shared = p.settings();
        SettingsStore flaky = new Wrapped(shared) {
            @Override
            public Optional<Versioned<JsonNode>> get(String key) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new dev.spacegate.persistence.PersistenceException(
                            dev.spacegate.persistence.PersistenceException.Code.UNREACHABLE, "database away (test)");
                }
                return super.get(key);
            }
        };
        String key = "back-after-outage-password-not-secret";
        ManagementKeys keys = ManagementKeys.open(flaky, Optional.of(key), Clock.systemUTC());
        assertTrue(keys.verify(key), "MANAGEMENT_PASSWORD opens while the check waits for the database");
        assertFalse(keys.verify("wrong-not-secret"));
        awaitStored(keys, key); // tried again once the database answers
        assertTrue(keys.verify(key));
    }

    /** The real settings store, with the method a test overrides to hold, fail or race a call. */
    private static class Wrapped implements SettingsStore {
        private final SettingsStore shared;

        Wrapped(SettingsStore shared) {
            this.shared = shared;
        }

        @Override
        public Optional<Versioned<JsonNode>> get(String key) {
            return shared.get(key);
        }

        @Override
        public long put(String key, JsonNode value, long expectedVersion) {
            return shared.put(key, value, expectedVersion);
        }

        @Override
        public boolean delete(String key, long expectedVersion) {
            return shared.delete(key, expectedVersion);
        }

        @Override
        public java.util.List<String> keys() {
            return shared.keys();
        }
    }
}
