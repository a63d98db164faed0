package dev.spacegate.server.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Access keys from CI secrets with a rotation window: {@code NAME} holds the current keys and {@code NAME_PREVIOUS}
 * the ones they replace, each valid until the time written with it. Entries are separated by commas (only where a
 * secret holds several keys) and may end in attributes: {@code sk-new;label=ci,sk-other} and
 * {@code sk-old;until=2026-12-10T00:00Z}. A previous key past its {@code until} is refused with a message naming the
 * rotation, so a client sees why its key stopped working.
 *
 * @param name the secret's name, e.g. {@code CLIENT_API_KEYS}
 * @param keys current keys first, then previous ones
 */
public record EnvKeys(String name, List<Key> keys) {
    private static final Pattern ATTRIBUTE = Pattern.compile(";\\s*(label|until)\\s*=([^;]*)$");

    /**
     * One key from the environment.
     *
     * @param value    the key itself (never logged or shown)
     * @param label    a name for it (given with {@code label=}, else {@code env-N}); shown in the panel and usage
     * @param previous true when it came from {@code NAME_PREVIOUS}
     * @param until    end of its window (previous keys only)
     */
    public record Key(String value, String label, boolean previous, Optional<Instant> until) {
        /** True when the key is accepted at {@code now}. */
        public boolean validAt(Instant now) {
            return until.map(now::isBefore).orElse(true);
        }

        /** Where the key came from, e.g. {@code CLIENT_API_KEYS_PREVIOUS}. */
        public String source(String name) {
            return previous ? name + "_PREVIOUS" : name;
        }

        @Override
        public String toString() {
            return "Key[" + label + (previous ? ", previous until " + until.orElse(null) : "") + "]";
        }
    }

    /** No keys from the environment. */
    public static EnvKeys none(String name) {
        return new EnvKeys(name, List.of());
    }

    /**
     * Reads {@code NAME} and {@code NAME_PREVIOUS}; {@code several} says whether a value may hold several
     * comma-separated keys (client keys) or is one key (the management password, which may contain commas).
     *
     * @throws IllegalArgumentException naming the variable when a previous key has no valid {@code until}
     */
    public static EnvKeys fromEnv(Map<String, String> env, String name, boolean several) {
        List<Key> keys = new ArrayList<>();
        parse(env.get(name), name, several, false, keys);
        parse(env.get(name + "_PREVIOUS"), name + "_PREVIOUS", several, true, keys);
        return new EnvKeys(name, List.copyOf(keys));
    }

    private static void parse(String text, String variable, boolean several, boolean previous, List<Key> out) {
        if (text == null || text.isBlank()) {
            return;
        }
        List<String> entries = several ? List.of(text.split(",")) : List.of(text);
        int n = 0;
        for (String raw : entries) {
            String entry = raw.trim();
            String label = null;
            Optional<Instant> until = Optional.empty();
            Matcher m;
            while ((m = ATTRIBUTE.matcher(entry)).find()) {
                String value = m.group(2).trim();
                if (m.group(1).equals("label")) {
                    label = value;
                } else {
                    until = Optional.of(parseTime(value, variable));
                }
                entry = entry.substring(0, m.start()).trim();
            }
            if (entry.isEmpty()) {
                continue;
            }
            n++;
            if (previous && until.isEmpty()) {
                throw new IllegalArgumentException(variable + ": key " + n + " has no end of its window; write it as"
                        + " KEY;until=2026-12-10T00:00Z (the rotation workflow does)");
            }
            String name = label == null || label.isEmpty() ? "env-" + n : label;
            out.add(new Key(entry, name, previous, until));
        }
    }

    /** {@code 2026-12-10T00:00Z}, {@code 2026-12-10T01:00:00+01:00} or a date ({@code 2026-12-10}, midnight UTC). */
    static Instant parseTime(String text, String variable) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(variable + ": until=" + text + " is not a time like"
                        + " 2026-12-10T00:00Z");
            }
        }
    }

    /** True when no key comes from the environment. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    /** The key equal to {@code presented}, valid or not, comparing with every key in constant time. */
    public Optional<Key> find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Key found = null;
        for (Key k : keys) {
            // every key is compared so timing does not reveal which one matched
            if (MessageDigest.isEqual(k.value().getBytes(StandardCharsets.UTF_8), p) && found == null) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** The refusal for a previous key whose window has closed; names the rotation, never the key. */
    public String expiredMessage(Key key) {
        return "This key was replaced in a key rotation: " + key.source(name) + " key '" + key.label()
                + "' stopped working at " + key.until().map(Instant::toString).orElse("?") + ". Use the new key.";
    }

    @Override
    public String toString() {
        return "EnvKeys[" + name + ", " + keys + "]";
    }
}
