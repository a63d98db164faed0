package dev.spacegate.server.manager.panel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The panel's static files, read once from the classpath ({@code panel/} as listed in {@code panel/assets.txt}),
 * with their content types and a version string that changes whenever any file's bytes change.
 */
public final class PanelAssets {
    private static final String ROOT = "panel/";
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "html", "text/html; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json; charset=utf-8",
            "ico", "image/x-icon");

    /** One file: its bytes and content type. */
    public record Asset(String name, byte[] bytes, String contentType) {
    }

    private final Map<String, Asset> assets;
    private final String version;

    private PanelAssets(Map<String, Asset> assets, String version) {
        this.assets = assets;
        this.version = version;
    }

    /** Loads every listed asset; a listed file that is missing or has an unknown type is a start-up error. */
    public static PanelAssets load(String productVersion) {
        ClassLoader cl = PanelAssets.class.getClassLoader();
        String index = new String(read(cl, ROOT + "assets.txt"), StandardCharsets.UTF_8);
        Map<String, Asset> out = new LinkedHashMap<>();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String line : index.split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            byte[] bytes = read(cl, ROOT + name);
            String type = typeOf(name).orElseThrow(() ->
                    new IllegalStateException("panel asset " + name + " has no known content type"));
            out.put(name, new Asset(name, bytes, type));
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update(bytes);
        }
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 10);
        String safe = productVersion.replaceAll("[^A-Za-z0-9._-]", "_");
        return new PanelAssets(Map.copyOf(out), safe + "-" + hash);
    }

    private static byte[] read(ClassLoader cl, String resource) {
        try (InputStream in = cl.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("panel resource " + resource + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read panel resource " + resource, e);
        }
    }

    static Optional<String> typeOf(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? Optional.empty()
                : Optional.ofNullable(TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
    }

    /** The version segment of asset URLs ({@code /panel/<version>/...}). */
    public String version() {
        return version;
    }

    /** The URL prefix of this build's assets, e.g. {@code /panel/dev-0123456789/}. */
    public String base() {
        return "/panel/" + version + "/";
    }

    public Optional<Asset> get(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    /** Asset names in index order. */
    public java.util.Set<String> names() {
        return new java.util.TreeSet<>(assets.keySet());
    }
}
