package dev.spacegate.persistence.seal;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.persistence.db.PrivateFiles;
import dev.spacegate.persistence.store.SettingsStore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the data key for a deployment: {@code DATA_KEY}, else {@code DATA_KEY_FILE}, else (only when all state is on
 * the local disk) {@code <data dir>/data.key}, generated with mode 0600 on first start.
 */
public final class DataKeys {
    private static final System.Logger LOG = System.getLogger(DataKeys.class.getName());
    /** Name of the generated key file inside the data directory. */
    public static final String KEY_FILE = "data.key";

    private DataKeys() {
    }

    /** The configured key texts: the current one and those a rotation replaced. */
    public record Texts(String current, List<String> previous) {
        /** True when some text is a passphrase (the slow KDF and its stored salt are needed). */
        public boolean anyPassphrase() {
            return SecretBox.isPassphrase(current) || previous.stream().anyMatch(SecretBox::isPassphrase);
        }

        @Override
        public String toString() {
            return "Texts[" + (1 + previous.size()) + " key(s)]";
        }
    }

    /** Builds the key ring the settings describe (passphrases stretched the fast, old way: tests and tools). */
    public static SecretBox load(PersistenceSettings settings) {
        Texts t = texts(settings);
        return SecretBox.fromText(t.current(), t.previous());
    }

    /** Builds the key ring, passphrases stretched with the slow KDF whose salt {@code settings} keeps. */
    public static SecretBox load(Texts texts, SettingsStore settings) {
        if (!texts.anyPassphrase()) {
            return SecretBox.fromText(texts.current(), texts.previous());
        }
        return SecretBox.fromText(texts.current(), texts.previous(), PassphraseKeys.open(settings));
    }

    /** Finds (or, in embedded mode, generates) the key texts; fails when a key is required and missing. */
    public static Texts texts(PersistenceSettings settings) {
        List<String> previous = settings.dataKeyPrevious()
                .map(p -> Arrays.stream(p.split(",")).map(DataKeys::withoutUntil).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
        if (settings.dataKey().isPresent()) {
            return new Texts(checked(settings.dataKey().get()), previous);
        }
        if (settings.dataKeyFile().isPresent()) {
            return new Texts(checked(read(settings.dataKeyFile().get(), "DATA_KEY_FILE")), previous);
        }
        Path file = settings.dataDir().resolve(KEY_FILE);
        if (Files.isRegularFile(file)) {
            return new Texts(checked(read(file, "data key file")), previous);
        }
        if (!settings.fullyLocal()) {
            // a key on the container's disk would vanish with the next restart and take every sealed value with it
            throw new PersistenceException(Code.INVALID_SETTINGS, "DATA_KEY (or DATA_KEY_FILE) is required when state is"
                    + " kept outside the container (PGSTORE_DSN or AUTH_STORE=git); generate one with"
                    + " `openssl rand -base64 32` and store it as a secret");
        }
        return new Texts(generate(file), previous);
    }

    private static String checked(String text) {
        SecretBox.parseKey(text); // an empty key fails here, before any storage is opened
        return text;
    }

    /**
     * A previous key without the {@code ;until=...} a rotation writes with it: the old data key keeps opening values
     * until it is removed (re-sealing runs at start, so by the end of the window nothing needs it).
     */
    static String withoutUntil(String entry) {
        // only a trailing attribute: a passphrase may itself contain ';'
        return entry.replaceFirst(";\\s*until\\s*=[^;]*$", "").trim();
    }

    private static String generate(Path file) {
        String key = SecretBox.generateKeyText();
        try {
            PrivateFiles.directory(file.getParent());
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, key + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            return read(file, "data key file"); // another process won the race; use its key
        } catch (IOException e) {
            throw new PersistenceException(Code.STORAGE_FAILED, "could not create the data key file in the data"
                    + " directory: " + e.getClass().getSimpleName());
        }
        LOG.log(System.Logger.Level.WARNING, "Generated a new data key in the data directory (" + KEY_FILE
                + "). Back it up or set DATA_KEY: sealed auth files cannot be opened without it.");
        return key;
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "could not read the " + what + ": "
                    + e.getClass().getSimpleName());
        }
    }
}
