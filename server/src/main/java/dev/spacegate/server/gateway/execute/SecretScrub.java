package dev.spacegate.server.gateway.execute;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Step "scrub upstream errors": an upstream error body may echo the credential it was sent (a key in an "invalid
 * API key sk-..." message, a token in a debug dump); the key or token is replaced before the body reaches the
 * client or the usage store.
 */
final class SecretScrub {
    /** What replaces a secret. */
    static final String MASK = "[redacted]";
    /** Shorter values are not treated as secrets (they would match ordinary text). */
    private static final int MIN_LENGTH = 8;

    private SecretScrub() {
    }

    /** The credential's key and the OAuth token used, when present. */
    static List<String> secretsOf(Attempt a, String usedToken) {
        return java.util.stream.Stream.of(a.credential().apiKey(), usedToken).filter(Objects::nonNull)
                .map(String::trim).filter(s -> s.length() >= MIN_LENGTH).distinct().toList();
    }

    /** {@code body} with every secret replaced (the same array when none occurs). */
    static byte[] scrub(byte[] body, List<String> secrets) {
        if (secrets.isEmpty() || body.length == 0) {
            return body;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String clean = scrub(text, secrets);
        return clean.equals(text) ? body : clean.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code text} with every secret replaced. */
    static String scrub(String text, List<String> secrets) {
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) {
                out = out.replace(s, MASK);
            }
        }
        return out;
    }
}
