package dev.spacegate.server.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which peers may say who the client is ({@code TRUSTED_PROXIES}). The client address is the socket peer, unless the
 * peer is a trusted proxy: then {@code X-Forwarded-For} (every line, in order) is walked from the right, skipping
 * trusted hops, and the first untrusted address is the client. A client can only prepend entries, so it cannot pick
 * the address that is counted.
 *
 * <p>{@code TRUSTED_PROXIES} is a comma list of CIDRs ({@code 10.0.0.0/8,192.168.1.7}), or a hop count ({@code 1}:
 * one proxy in front whatever its address, the client is the last entry), or {@code none}. Unset: none, except on
 * a Hugging Face Space ({@code SPACE_ID} set), where the platform's proxy reaches the container from a private
 * address and appends the caller's address, so the private ranges are trusted.
 */
public final class TrustedProxies {
    /** The default on a Hugging Face Space: the private address ranges. */
    public static final String SPACE_DEFAULT = "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";
    private static final Pattern HOPS = Pattern.compile("[0-9]{1,2}");
    private static final Pattern ADDRESS_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    private static final int MAX_ENTRIES = 64;

    private final List<Cidr> cidrs;
    private final int hops;
    private final String description;

    private TrustedProxies(List<Cidr> cidrs, int hops, String description) {
        this.cidrs = cidrs;
        this.hops = hops;
        this.description = description;
    }

    /** Nobody is trusted: the client is always the socket peer. */
    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), 0, "none");
    }

    /** From {@code TRUSTED_PROXIES}, with the Hugging Face Space default when unset on a Space. */
    public static TrustedProxies fromEnv(Map<String, String> env) {
        String text = Optional.ofNullable(env.get("TRUSTED_PROXIES")).map(String::trim).orElse("");
        if (text.isEmpty()) {
            text = env.containsKey("SPACE_ID") ? SPACE_DEFAULT : "none";
        }
        return parse(text);
    }

    /**
     * Parses a CIDR list, a hop count or {@code none}.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or CIDR
     */
    public static TrustedProxies parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("none")) {
            return none();
        }
        if (HOPS.matcher(t).matches()) {
            int n = Integer.parseInt(t);
            return n == 0 ? none() : new TrustedProxies(List.of(), n, n + " hop(s)");
        }
        List<Cidr> list = new ArrayList<>();
        for (String part : t.split(",")) {
            if (!part.isBlank()) {
                list.add(Cidr.parse(part.trim()));
            }
        }
        return new TrustedProxies(List.copyOf(list), 0, String.join(",", list.stream().map(Cidr::text).toList()));
    }

    /** For the start-up log line. */
    public String describe() {
        return description;
    }

    /**
     * The client address of a request that came from {@code peer} with these {@code X-Forwarded-For} lines.
     *
     * @param xffLines every {@code X-Forwarded-For} header line, in order (each may hold a comma list)
     */
    public String resolve(String peer, List<String> xffLines) {
        if (cidrs.isEmpty() && hops == 0 || xffLines.isEmpty()) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        for (String line : xffLines) {
            for (String entry : line.split(",")) {
                if (chain.size() == MAX_ENTRIES) {
                    chain.remove(0); // only the right end is ever read
                }
                chain.add(stripPort(entry.trim()));
            }
        }
        if (hops > 0) {
            String pick = chain.get(Math.max(0, chain.size() - hops));
            return pick.isEmpty() ? peer : pick;
        }
        if (!trusted(peer)) {
            return peer;
        }
        String address = peer;
        for (int i = chain.size() - 1; i >= 0; i--) {
            String hop = chain.get(i);
            if (hop.isEmpty()) {
                return address;
            }
            address = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return address;
    }

    /** True when the socket peer {@code address} is a trusted proxy (with a hop count: every peer). */
    public boolean trustsPeer(String address) {
        return hops > 0 || trusted(address);
    }

    /** True when {@code address} is in one of the trusted ranges (false for anything that is not an IP literal). */
    public boolean trusted(String address) {
        if (cidrs.isEmpty()) {
            return false; // the default: asked on every request, so no address parsing
        }
        Optional<byte[]> bytes = literal(address);
        return bytes.isPresent() && cidrs.stream().anyMatch(c -> c.contains(bytes.get()));
    }

    /** {@code [v6]:port} and {@code v4:port} forms as some proxies write them, without the port. */
    private static String stripPort(String entry) {
        if (entry.startsWith("[")) {
            int end = entry.indexOf(']');
            return end > 0 ? entry.substring(1, end) : entry;
        }
        int colon = entry.indexOf(':');
        return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /** The bytes of an IPv4 or IPv6 literal; never a DNS lookup. */
    static Optional<byte[]> literal(String s) {
        if (s == null || s.isEmpty() || s.length() > 45 || !ADDRESS_CHARS.matcher(s).matches()) {
            return Optional.empty();
        }
        if (!s.contains(":") && !IPV4.matcher(s).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(s).getAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** One address range. */
    record Cidr(String text, byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            byte[] net = literal(addr).orElseThrow(() -> new IllegalArgumentException(
                    "TRUSTED_PROXIES: '" + text + "' is not an IP address, a CIDR such as 10.0.0.0/8, a hop count or none"));
            int bits = net.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > net.length * 8) {
                    throw new IllegalArgumentException("TRUSTED_PROXIES: '" + text + "' has a bad prefix length");
                }
            }
            return new Cidr(text, net, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
