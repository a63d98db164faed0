package dev.spacegate.server.outbound;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parsed proxy URL: {@code http://[user:pass@]host[:port]}, {@code socks5://[user:pass@]host[:port]}
 * ({@code socks5h} is the same: names are always resolved by the proxy), or none.
 */
public record ProxySpec(Type type, String host, int port, String user, String password) {
    /** How the connection reaches its target. */
    public enum Type { DIRECT, HTTP, SOCKS5 }

    public static final ProxySpec DIRECT = new ProxySpec(Type.DIRECT, null, 0, null, null);
    /** Parsed config values: calls look their proxy up per request, the set of URLs is small. */
    private static final Map<String, ProxySpec> PARSED = new ConcurrentHashMap<>();

    /** {@link #parse} remembered per URL; {@code null} means no proxy. */
    public static ProxySpec of(String url) {
        return url == null ? DIRECT : PARSED.computeIfAbsent(url, ProxySpec::parse);
    }

    /**
     * Parses a proxy URL; {@code null}, empty or {@code direct} mean no proxy.
     *
     * @throws IllegalArgumentException with a message that never repeats the URL (it may hold a password)
     */
    public static ProxySpec parse(String url) {
        if (url == null || url.isBlank() || url.equalsIgnoreCase("direct") || url.equalsIgnoreCase("none")) {
            return DIRECT;
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (Exception e) {
            throw new IllegalArgumentException("the proxy URL is not a valid URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        Type type = switch (scheme) {
            case "http" -> Type.HTTP;
            case "socks5", "socks5h" -> Type.SOCKS5;
            case "https" -> throw new IllegalArgumentException(
                    "https:// proxies are not supported; use http:// (the tunnel to the upstream is still TLS)");
            default -> throw new IllegalArgumentException("the proxy URL must start with http://, socks5:// or socks5h://");
        };
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new IllegalArgumentException("the proxy URL has no host");
        }
        int port = u.getPort() > 0 ? u.getPort() : type == Type.HTTP ? 80 : 1080;
        String user = null;
        String password = null;
        String info = u.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        return new ProxySpec(type, host, port, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return type == Type.DIRECT ? "direct" : type.name().toLowerCase(Locale.ROOT) + "://"
                + (user != null ? user + ":***@" : "") + host + ":" + port;
    }
}
