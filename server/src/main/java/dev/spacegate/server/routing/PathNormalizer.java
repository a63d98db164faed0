package dev.spacegate.server.routing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Normalises a raw request path once, so that every later decision (owner, authentication, forwarding)
 * sees the same path: percent-encoded unreserved characters decoded, other escapes upper-cased,
 * duplicate slashes collapsed, dot segments removed (RFC 3986 §6.2.2).
 */
public final class PathNormalizer {
    private PathNormalizer() {
    }

    /** The normalised path, or empty when the path is not a valid origin-form path (bad escape, no slash). */
    public static Optional<String> normalize(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                char d = (char) (hi * 16 + lo);
                if (isUnreserved(d)) {
                    decoded.append(d);
                } else {
                    decoded.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1)))
                            .append(Character.toUpperCase(rawPath.charAt(i + 2)));
                }
                i += 2;
            } else if (c == '?' || c == '#' || c < 0x21 || c == 0x7f) {
                return Optional.empty();
            } else {
                decoded.append(c);
            }
        }
        return Optional.of(removeDotSegments(decoded.toString()));
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static String removeDotSegments(String path) {
        boolean trailingSlash = path.endsWith("/") || path.endsWith("/.") || path.endsWith("/..");
        Deque<String> out = new ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(seg);
            }
        }
        if (out.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : out) {
            sb.append('/').append(seg);
        }
        if (trailingSlash) {
            sb.append('/');
        }
        return sb.toString();
    }
}
