package dev.spacegate.persistence.seal;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Seals secrets at rest with AES-256-GCM under a key ring: the current key seals, the current and any previous
 * keys open. Sealed form: {@code sg1:<key id>:<base64url nonce>:<base64url ciphertext+tag>}, the 12-byte nonce
 * random per seal, and a caller-given context (e.g. the auth file name) bound in as associated data so a sealed
 * value cannot be moved to another slot.
 */
public final class SecretBox {
    /** Prefix of every sealed value. */
    public static final String PREFIX = "sg1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecureRandom random = new SecureRandom();
    private final String currentId;
    private final Map<String, SecretKeySpec> keys;

    private SecretBox(List<byte[]> ring) {
        if (ring.isEmpty()) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "no data key configured");
        }
        Map<String, SecretKeySpec> m = new LinkedHashMap<>();
        for (byte[] k : ring) {
            m.putIfAbsent(keyId(k), new SecretKeySpec(k, "AES"));
        }
        this.keys = Map.copyOf(m);
        this.currentId = keyId(ring.get(0));
    }

    /** A box whose current key is {@code current}; {@code previous} keys still open older values. */
    public static SecretBox of(byte[] current, List<byte[]> previous) {
        List<byte[]> ring = new ArrayList<>();
        ring.add(checkLength(current));
        previous.forEach(p -> ring.add(checkLength(p)));
        return new SecretBox(ring);
    }

    /** A box from key texts (see {@link #parseKey}); {@code previous} may be empty. */
    public static SecretBox fromText(String current, List<String> previous) {
        return of(parseKey(current), previous.stream().map(SecretBox::parseKey).toList());
    }

    /**
     * Turns a configured key text into 32 key bytes: base64 (standard or URL-safe, padded or not) of exactly 32 bytes
     * is used as is; anything else is a passphrase, stretched here with HKDF-SHA256 and a fixed salt (how older
     * versions sealed; {@link #fromText(String, List, PassphraseKeys)} uses the slow KDF and keeps this one to open).
     */
    public static byte[] parseKey(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "data key is empty");
        }
        byte[] raw = rawKey(t);
        return raw != null ? raw : legacyPassphraseKey(t);
    }

    /** True when the key text is a passphrase rather than base64 of 32 bytes. */
    public static boolean isPassphrase(String text) {
        return rawKey(text.trim()) == null;
    }

    private static byte[] rawKey(String t) {
        for (Base64.Decoder d : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
            try {
                byte[] b = d.decode(t);
                if (b.length == KEY_BYTES) {
                    return b;
                }
            } catch (IllegalArgumentException ignored) {
                // not this alphabet
            }
        }
        return null;
    }

    private static byte[] legacyPassphraseKey(String t) {
        return hkdf(t.getBytes(StandardCharsets.UTF_8), "spacegate".getBytes(StandardCharsets.UTF_8),
                "data-key-v1".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A box from key texts where passphrases are stretched with the slow KDF of {@code kdf}; the fast key an older
     * version derived from each passphrase stays in the ring (after the current key) so its values still open.
     */
    public static SecretBox fromText(String current, List<String> previous, PassphraseKeys kdf) {
        List<byte[]> older = new ArrayList<>();
        byte[] now;
        if (isPassphrase(current)) {
            now = kdf.derive(current);
            older.add(legacyPassphraseKey(current.trim()));
        } else {
            now = parseKey(current);
        }
        for (String p : previous) {
            if (isPassphrase(p)) {
                older.add(kdf.derive(p));
            }
            older.add(parseKey(p));
        }
        return of(now, older);
    }

    /** A fresh random key as base64 text, for generating {@code DATA_KEY}. */
    public static String generateKeyText() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** The id of the key new values are sealed with. */
    public String currentKeyId() {
        return currentId;
    }

    /** Seals {@code plaintext} for {@code context}. */
    public String seal(byte[] plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(context));
            byte[] ct = c.doFinal(plaintext);
            return PREFIX + currentId + ":" + B64.encodeToString(nonce) + ":" + B64.encodeToString(ct);
        } catch (GeneralSecurityException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "sealing failed: " + e.getClass().getSimpleName());
        }
    }

    /** Seals UTF-8 text. */
    public String sealText(String plaintext, String context) {
        return seal(plaintext.getBytes(StandardCharsets.UTF_8), context);
    }

    /**
     * Opens a sealed value.
     *
     * @throws PersistenceException UNKNOWN_KEY naming the key id when the key is not in the ring, SEAL_BROKEN when
     *                              authentication fails (wrong key material, wrong context, tampering)
     */
    public byte[] open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.trim().split(":", -1);
        if (parts.length != 4 || !(parts[0] + ":").equals(PREFIX)) {
            throw new PersistenceException(Code.SEAL_BROKEN, "value for '" + context + "' is not in sealed form");
        }
        String keyId = parts[1];
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new PersistenceException(Code.UNKNOWN_KEY, "value for '" + context + "' was sealed with data key id "
                    + keyId + ", which is not configured (current key id " + currentId
                    + "); set DATA_KEY or DATA_KEY_PREVIOUS to that key");
        }
        try {
            byte[] nonce = B64D.decode(parts[2]);
            byte[] ct = B64D.decode(parts[3]);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(context));
            return c.doFinal(ct);
        } catch (AEADBadTagException e) {
            throw new PersistenceException(Code.SEAL_BROKEN, "value for '" + context + "' sealed with data key id "
                    + keyId + " failed authentication (corrupted, tampered or moved)");
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new PersistenceException(Code.SEAL_BROKEN, "value for '" + context + "' sealed with data key id "
                    + keyId + " is malformed");
        }
    }

    /** Opens a sealed UTF-8 text. */
    public String openText(String sealed, String context) {
        return new String(open(sealed, context), StandardCharsets.UTF_8);
    }

    /** True when {@code value} looks sealed. */
    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key id a sealed value names, if it is in sealed form. */
    public static java.util.Optional<String> keyIdOf(String sealed) {
        String[] parts = sealed == null ? new String[0] : sealed.trim().split(":", 3);
        return parts.length == 3 && (parts[0] + ":").equals(PREFIX) ? java.util.Optional.of(parts[1])
                : java.util.Optional.empty();
    }

    /** True when the ring holds the key with this id (current or previous). */
    public boolean knows(String keyId) {
        return keys.containsKey(keyId);
    }

    /** True when {@code sealed} was sealed with an older key and should be re-sealed. */
    public boolean needsReseal(String sealed) {
        String[] parts = sealed.split(":", 3);
        return parts.length < 3 || !parts[1].equals(currentId);
    }

    /** Key id: first 8 bytes (16 hex) of SHA-256 over a label and the key; reveals nothing usable about the key. */
    static String keyId(byte[] key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update("spacegate-key-id:".getBytes(StandardCharsets.UTF_8));
            md.update(key);
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    private static byte[] aad(String context) {
        return ("spacegate/" + context).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] checkLength(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "data key must be 32 bytes");
        }
        return key.clone();
    }

    /** HKDF-SHA256 (RFC 5869) producing 32 bytes. */
    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            mac.update(info);
            mac.update((byte) 1);
            return mac.doFinal(); // 32 bytes = one block
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 missing from the JDK", e);
        }
    }
}
