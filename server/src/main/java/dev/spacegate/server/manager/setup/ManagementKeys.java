package dev.spacegate.server.manager.setup;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.Versioned;
import dev.spacegate.persistence.store.SettingsStore;
import dev.spacegate.server.config.EnvKeys;
import dev.spacegate.server.web.ClientAddress;
import dev.spacegate.server.web.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The management key: created once (from {@code MANAGEMENT_PASSWORD} or generated and printed once), stored only as
 * a PBKDF2-HMAC-SHA256 hash (600,000 iterations; a key stored by an older version as one salted HMAC-SHA256 still
 * opens, and is stored again with the slow KDF when MANAGEMENT_PASSWORD is next read or the key next opens), checked on
 * every management request, with a per-address ban after repeated failures (5 failures -> 403 for 30 minutes, as
 * CLIProxyAPI) and a server-wide cap on failures ({@link LoginThrottle}). The client address is the resolved one
 * ({@link ClientAddress}).
 */
public final class ManagementKeys {
    private static final System.Logger LOG = System.getLogger(ManagementKeys.class.getName());
    /** Settings key of the stored credential. */
    public static final String SETTINGS_KEY = "manager.admin_credential";
    static final int MAX_FAILURES = LoginThrottle.MAX_FAILURES;
    static final Duration BAN = LoginThrottle.BAN;
    /** PBKDF2-HMAC-SHA256 work factor for stored keys (OWASP's 2023 figure). */
    static final int ITERATIONS = 600_000;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Prefix of the config hashes an older version wrote (one salted HMAC-SHA256). */
    static final String HASH_PREFIX = "spacegate-hash:";
    /** Prefix of {@link #hashForConfig} values: {@code spacegate-pbkdf2:<iterations>:<salt>:<hash>}. */
    static final String PBKDF2_PREFIX = "spacegate-pbkdf2:";

    /** A stored key: version 1 = one salted HMAC-SHA256 (older stores), 2 = PBKDF2-HMAC-SHA256. */
    private record Credential(int version, byte[] salt, byte[] hash, int iterations) {
    }

    /**
     * The credential with the keys already verified against it, remembered only as an HMAC under a secret of this
     * process (never the key itself), so the slow KDF runs once per key and process, not on every request.
     */
    private record Checked(Credential credential, Set<String> verified) {
        Checked(Credential credential) {
            this(credential, ConcurrentHashMap.newKeySet());
        }
    }

    private static final byte[] PROCESS_SECRET = new byte[32];

    static {
        RANDOM.nextBytes(PROCESS_SECRET);
    }

    private final SettingsStore settings;
    private final Optional<String> password;
    private final Clock clock;
    private final LoginThrottle throttle;
    private volatile Checked checked;
    /** Done when {@link #checked} is set; every reader of it waits for this first. */
    private volatile CompletableFuture<Void> loaded = CompletableFuture.completedFuture(null);
    private final AtomicBoolean checkBegun = new AtomicBoolean();
    private volatile EnvKeys previous = EnvKeys.none("MANAGEMENT_PASSWORD");

    private ManagementKeys(SettingsStore settings, Optional<String> password, Clock clock) {
        this.settings = settings;
        this.password = password;
        this.clock = clock;
        this.throttle = new LoginThrottle(clock);
    }

    /**
     * Loads the stored credential or creates it. {@code MANAGEMENT_PASSWORD}, when set, is always the key (the Space
     * secret is the operator's source of truth, so changing the secret rotates the key); without it a key is
     * generated on first start and printed once on standard output.
     *
     * <p>With {@code MANAGEMENT_PASSWORD} the check against the stored key (or storing it) is one run of the slow KDF,
     * about half a second: it runs on a thread of its own, begun once the server listens (the overload with
     * {@code after}), so the server starts and answers health checks and the gateway meanwhile. Until it is done (or
     * while the database is away, when it is tried again with a growing pause) {@code MANAGEMENT_PASSWORD} itself is
     * the key that opens: the start stores it as the key anyway. A generated key is made before this returns, so it
     * is printed before the server says where it listens.
     */
    public static ManagementKeys open(SettingsStore settings, Optional<String> password, Clock clock) {
        return open(settings, password, clock, CompletableFuture.completedFuture(null));
    }

    /**
     * As {@link #open(SettingsStore, Optional, Clock)}, with the check of {@code MANAGEMENT_PASSWORD} begun once
     * {@code after} completes (the server listening): on two cores the slow KDF, and the JIT compiling it, took
     * CPU from the start itself. Anything that needs the stored key before then begins the check at once.
     */
    public static ManagementKeys open(SettingsStore settings, Optional<String> password, Clock clock,
                                      CompletionStage<?> after) {
        ManagementKeys keys = new ManagementKeys(settings, password, clock);
        if (password.isPresent()) {
            keys.loaded = new CompletableFuture<>();
            after.whenComplete((ignored, error) -> keys.beginCheck());
        } else {
            keys.load();
        }
        return keys;
    }

    private void beginCheck() {
        if (checkBegun.compareAndSet(false, true)) {
            CompletableFuture<Void> done = loaded;
            Thread.ofPlatform().daemon().name("management-key-check").start(() -> {
                try {
                    loadUntilDone();
                    done.complete(null);
                } catch (RuntimeException | Error e) {
                    done.completeExceptionally(e); // a waiting request fails instead of waiting for ever
                }
            });
        }
    }

    private void loadUntilDone() {
        long pauseMs = 500;
        for (boolean reported = false; ; reported = true) {
            try {
                load();
                return;
            } catch (PersistenceException e) {
                if (!reported) {
                    LOG.log(System.Logger.Level.WARNING, "MANAGEMENT_PASSWORD could not be checked against the stored"
                            + " key (" + e.code() + "); it opens meanwhile, and the check is tried again");
                }
            }
            try {
                Thread.sleep(pauseMs); // a database that is away: nothing to wait on but time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pauseMs = Math.min(pauseMs * 2, 30_000);
        }
    }

    private void load() {
        Optional<Versioned<JsonNode>> stored = settings.get(SETTINGS_KEY);
        if (password.isPresent()) {
            loadFromEnvironment(stored, password.get());
            return;
        }
        if (stored.isPresent()) {
            checked = new Checked(decode(stored.get().value()));
            return;
        }
        String generated = generate();
        try {
            checked = remember(new Checked(store(generated, "generated", SettingsStore.ABSENT)), generated);
            System.out.println("Spacegate management key generated (shown once, keep it): " + generated);
        } catch (PersistenceException e) {
            if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                throw e;
            }
            checked = new Checked(decode(settings.get(SETTINGS_KEY).orElseThrow().value())); // another replica won
        }
    }

    /**
     * {@code MANAGEMENT_PASSWORD} becomes the stored key unless it already is. Replicas started together on a fresh
     * database store it at the same moment: the one that loses the race reads the winner's and checks again,
     * instead of failing its start.
     */
    private void loadFromEnvironment(Optional<Versioned<JsonNode>> stored, String key) {
        for (int attempt = 1; ; attempt++) {
            // a stored key of the old fast kind is stored again with the slow KDF (the plaintext is at hand only now)
            if (stored.isPresent() && decode(stored.get().value()).version() >= 2
                    && matches(decode(stored.get().value()), key)) {
                checked = remember(new Checked(decode(stored.get().value())), key);
                return;
            }
            try {
                Credential c = store(key, "env", stored.map(Versioned::version).orElse(SettingsStore.ABSENT));
                checked = remember(new Checked(c), key);
                return;
            } catch (PersistenceException e) {
                if (e.code() != PersistenceException.Code.VERSION_CONFLICT || attempt == 3) {
                    throw e;
                }
                stored = settings.get(SETTINGS_KEY); // another replica wrote it meanwhile
            }
        }
    }

    /**
     * Also admits the key a rotation replaced ({@code MANAGEMENT_PASSWORD_PREVIOUS}) until the end of its window;
     * after that it is refused with a message naming the rotation. Only previous keys of {@code keys} count.
     */
    public ManagementKeys previous(EnvKeys keys) {
        this.previous = new EnvKeys(keys.name(), keys.keys().stream().filter(EnvKeys.Key::previous).toList());
        return this;
    }

    /** Done once the start's check of {@code MANAGEMENT_PASSWORD} has stored or confirmed it (at once without one). */
    public CompletableFuture<Void> startCheck() {
        return loaded;
    }

    /** The credential, once {@link #open}'s check of {@code MANAGEMENT_PASSWORD} is done. */
    private Checked checked() {
        if (!loaded.isDone()) {
            beginCheck();
        }
        loaded.join();
        return checked;
    }

    /** Re-reads the stored key: another replica may have changed it (a restart with a new MANAGEMENT_PASSWORD). */
    public void reload() {
        if (!loaded.isDone()) {
            // the start's check is still running: re-read after it, without holding up the caller (the replica
            // listener, whose other changes would otherwise wait seconds for this process's own slow hash)
            loaded.thenRun(this::reload);
            return;
        }
        Checked current = checked();
        settings.get(SETTINGS_KEY).ifPresent(v -> {
            Credential c = decode(v.value());
            if (!sameCredential(current.credential(), c)) {
                checked = new Checked(c);
            }
        });
    }

    /**
     * Makes {@code key} the management key unless it already is, stored hashed like every key (CLIProxyAPI's
     * {@code remote-management.secret-key} when {@code MANAGEMENT_PASSWORD} is unset). Never logs the key.
     *
     * @return true when the key changed
     */
    public synchronized boolean adopt(String key, String source) {
        if (key == null || key.isBlank() || matches(checked(), key.trim())) {
            return false;
        }
        long version = settings.get(SETTINGS_KEY).map(Versioned::version).orElse(SettingsStore.ABSENT);
        checked = remember(new Checked(store(key.trim(), source, version)), key.trim());
        return true;
    }

    /**
     * A salted slow hash of {@code key} as one opaque string (PBKDF2-HMAC-SHA256, the work factor of the stored
     * management key): what a config document keeps in place of a plaintext {@code remote-management.secret-key}.
     */
    public static String hashForConfig(String key) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PBKDF2_PREFIX + ITERATIONS + ":" + b64.encodeToString(salt) + ":"
                + b64.encodeToString(pbkdf2(salt, key.trim(), ITERATIONS));
    }

    /** True when {@code MANAGEMENT_PASSWORD} sets the key (a config's secret-key then does not). */
    public boolean fromEnvironment() {
        return password.isPresent();
    }

    /**
     * Whether a config value is a hash from {@link #hashForConfig} rather than a plaintext key; the one salted
     * HMAC-SHA256 an older version wrote counts too (it is never taken for a key).
     */
    public static boolean isHashed(String value) {
        return value != null && (value.startsWith(PBKDF2_PREFIX) || value.startsWith(HASH_PREFIX));
    }

    /** A fresh key: {@code sgm_} and 32 letters and digits. */
    public static String generate() {
        StringBuilder sb = new StringBuilder("sgm_");
        for (int i = 0; i < 32; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private Credential store(String key, String source, long expectedVersion) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Credential c = new Credential(2, salt, pbkdf2(salt, key, ITERATIONS), ITERATIONS);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        ObjectNode doc = Json.MAPPER.createObjectNode().put("version", 2).put("kdf", "pbkdf2-hmac-sha256")
                .put("iterations", ITERATIONS).put("salt", b64.encodeToString(salt))
                .put("keyHash", b64.encodeToString(c.hash())).put("createdAtMs", clock.millis()).put("source", source);
        settings.put(SETTINGS_KEY, doc, expectedVersion);
        LOG.log(System.Logger.Level.INFO, "Management key stored as a PBKDF2 hash (source: " + source + ")");
        return c;
    }

    private static Credential decode(JsonNode doc) {
        int version = doc.path("version").asInt(1);
        return new Credential(version, Base64.getDecoder().decode(doc.path("salt").asText()),
                Base64.getDecoder().decode(doc.path("keyHash").asText()),
                version >= 2 ? doc.path("iterations").asInt(ITERATIONS) : 0);
    }

    private static boolean sameCredential(Credential a, Credential b) {
        return a.version() == b.version() && MessageDigest.isEqual(a.salt(), b.salt())
                && MessageDigest.isEqual(a.hash(), b.hash());
    }

    private static byte[] pbkdf2(byte[] salt, String key, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(key.toCharArray(), salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
        }
    }

    private static Checked remember(Checked c, String key) {
        if (c.verified().size() >= 16) {
            c.verified().clear(); // bounded: a few keys are ever valid at once
        }
        c.verified().add(fingerprint(key));
        return c;
    }

    private static String fingerprint(String key) {
        return Base64.getEncoder().encodeToString(hmac(PROCESS_SECRET, key));
    }

    private static byte[] hmac(byte[] salt, String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            return mac.doFinal(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean matches(Credential c, String key) {
        if (key.isEmpty()) {
            return false;
        }
        byte[] computed = c.version() >= 2 ? pbkdf2(c.salt(), key, c.iterations()) : hmac(c.salt(), key);
        return MessageDigest.isEqual(c.hash(), computed);
    }

    /** {@link #matches}, with keys verified before answered from memory. */
    private static boolean matches(Checked c, String key) {
        if (key.isEmpty()) {
            return false;
        }
        if (c.verified().contains(fingerprint(key))) {
            return true;
        }
        if (matches(c.credential(), key)) {
            remember(c, key);
            return true;
        }
        return false;
    }

    /** True when {@code key} is the management key (constant time). */
    public boolean verify(String key) {
        if (key == null) {
            return false;
        }
        boolean current;
        if (!loaded.isDone()) {
            // the start's check is still running (or the database is away): MANAGEMENT_PASSWORD is the key
            current = MessageDigest.isEqual(hmac(PROCESS_SECRET, key.trim()), hmac(PROCESS_SECRET, password.orElseThrow()));
        } else {
            Checked now = checked();
            current = matches(now, key.trim());
            if (current && now.credential().version() < 2) {
                upgrade(key.trim());
            }
        }
        Optional<EnvKeys.Key> old = previous.find(key.trim());
        return current || old.isPresent() && old.get().validAt(clock.instant());
    }

    /**
     * Stores a key an older version kept as one fast HMAC again with the slow KDF, now that it was presented (without
     * {@code MANAGEMENT_PASSWORD} the plaintext is never at hand otherwise).
     */
    private synchronized void upgrade(String key) {
        Optional<Versioned<JsonNode>> stored = settings.get(SETTINGS_KEY);
        if (stored.isEmpty() || !sameCredential(checked().credential(), decode(stored.get().value()))) {
            return; // replaced meanwhile (another replica, a new key)
        }
        try {
            String source = stored.get().value().path("source").asText("upgraded");
            checked = remember(new Checked(store(key, source, stored.get().version())), key);
        } catch (PersistenceException e) {
            if (e.code() != PersistenceException.Code.VERSION_CONFLICT) {
                throw e;
            }
            reload(); // another replica stored it first
        }
    }

    /**
     * Admits a management request or answers it: 401 {@code missing_management_key} / {@code invalid_management_key},
     * 403 {@code ip_banned} after {@value #MAX_FAILURES} failures from one address (30 minutes).
     *
     * @return true when the caller holds the key and the handler may go on
     */
    public boolean admit(ServerRequest req, ServerResponse res) {
        String ip = ClientAddress.of(req);
        Optional<LoginThrottle.Refusal> refused = throttle.check(ip);
        if (refused.isPresent()) {
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(refused.get().status(), refused.get().code(),
                    refused.get().message()));
            return false;
        }
        Optional<String> key = presented(req);
        if (key.isEmpty()) {
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(401, "missing_management_key", "missing management key"));
            return false;
        }
        if (verify(key.get())) {
            throttle.succeeded(ip);
            return true;
        }
        if (throttle.failed(ip)) {
            LOG.log(System.Logger.Level.WARNING, "Management access from one address banned for "
                    + BAN.toMinutes() + " min after " + MAX_FAILURES + " wrong keys");
        }
        Optional<EnvKeys.Key> rotated = previous.find(key.get());
        ErrorFamily.MANAGEMENT.send(res, ClientError.of(401, "invalid_management_key",
                rotated.map(previous::expiredMessage).orElse("invalid management key")));
        return false;
    }

    /** Applies {@code MANAGEMENT_LOGIN_FAILURES_PER_MINUTE} (the server-wide cap on failed logins). */
    public ManagementKeys limitFailures(java.util.Map<String, String> env) {
        throttle.failuresPerMinute(LoginThrottle.failuresPerMinute(env));
        return this;
    }

    /** Addresses the failed-login counter remembers (bounded). */
    public int rememberedAddresses() {
        return throttle.size();
    }

    /** The key from {@code Authorization: Bearer} (a non-Bearer value is used raw) or {@code X-Management-Key}. */
    static Optional<String> presented(ServerRequest req) {
        Optional<String> auth = req.headers().first(HeaderNames.AUTHORIZATION).map(String::trim)
                .filter(s -> !s.isEmpty());
        if (auth.isPresent()) {
            String v = auth.get();
            return Optional.of(v.regionMatches(true, 0, "Bearer ", 0, 7) ? v.substring(7).trim() : v);
        }
        return req.headers().first(HeaderNames.create("X-Management-Key")).map(String::trim).filter(s -> !s.isEmpty());
    }
}
