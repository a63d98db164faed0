package dev.spacegate.persistence.dsn;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Converts the DSNs that Aiven, Supabase and libpq tools print ({@code postgres://user:pass@host:port/db?sslmode=...})
 * into a {@link PostgresTarget} for pgjdbc: credentials become properties, libpq-only options are mapped or dropped,
 * a transaction pooler (port 6543 or {@code pgbouncer=true}) gets {@code prepareThreshold=0}, and a CA given inline
 * is written to a private file for {@code sslrootcert}.
 */
public final class PostgresDsn {
    private static final int DEFAULT_PORT = 5432;
    private static final int TRANSACTION_POOLER_PORT = 6543;

    /** pgjdbc connection properties passed through unchanged. */
    private static final Set<String> PASS_THROUGH = Set.of("sslmode", "sslrootcert", "sslcert", "sslkey",
            "sslpassword", "sslfactory", "sslNegotiation", "sslResponseTimeout", "ApplicationName", "options",
            "connectTimeout", "socketTimeout", "loginTimeout", "tcpKeepAlive", "prepareThreshold",
            "preparedStatementCacheQueries", "preferQueryMode", "targetServerType", "currentSchema", "ssl",
            "sslhostnameverifier", "gssEncMode", "channelBinding", "user", "password");

    private PostgresDsn() {
    }

    /** Parses {@code dsn} without a CA override. */
    public static PostgresTarget parse(String dsn) {
        return parse(dsn, Optional.empty(), Optional.empty(), null);
    }

    /**
     * Parses {@code dsn}.
     *
     * @param caPem  CA certificate PEM text for verify-ca/verify-full, written to a 0600 file in {@code caDir}
     * @param caFile CA certificate PEM file for verify-ca/verify-full
     * @param caDir  where to write {@code caPem} (may be null when no PEM is given)
     */
    public static PostgresTarget parse(String dsn, Optional<String> caPem, Optional<Path> caFile, Path caDir) {
        if (dsn == null || dsn.isBlank()) {
            throw invalid("PGSTORE_DSN is empty");
        }
        String s = dsn.trim();
        String rest;
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.startsWith("postgresql://")) {
            rest = s.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            rest = s.substring("postgres://".length());
        } else if (lower.startsWith("jdbc:postgresql://")) {
            rest = s.substring("jdbc:postgresql://".length());
        } else {
            throw invalid("PGSTORE_DSN must start with postgres:// or postgresql://");
        }

        // userinfo ends at the last '@' before the host; passwords with '@' often arrive unencoded
        String query = "";
        int q = rest.indexOf('?', Math.max(0, rest.lastIndexOf('@')));
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        Map<String, String> props = new LinkedHashMap<>();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            String user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo);
            if (!user.isEmpty()) {
                props.put("user", user);
            }
            if (colon >= 0) {
                props.put("password", decode(userInfo.substring(colon + 1)));
            }
        }
        int slash = rest.indexOf('/');
        String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? decode(rest.substring(slash + 1)) : "";

        String host;
        String portText = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid("PGSTORE_DSN has an IPv6 host without a closing ']'");
            }
            host = hostPort.substring(0, close + 1);
            String after = hostPort.substring(close + 1);
            if (after.startsWith(":")) {
                portText = after.substring(1);
            } else if (!after.isEmpty()) {
                throw invalid("PGSTORE_DSN has text after the IPv6 host");
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : "";
        }
        if (host.isEmpty() || host.equals("[]")) {
            throw invalid("PGSTORE_DSN has no host");
        }
        if (host.contains(",")) {
            throw invalid("PGSTORE_DSN with several hosts is not supported; give one host");
        }
        int port = DEFAULT_PORT;
        if (!portText.isEmpty()) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw invalid("PGSTORE_DSN has a port that is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid("PGSTORE_DSN has a port outside 1..65535");
            }
        }
        if (database.isEmpty()) {
            // libpq would default to the user name; the hosted services name their default databases
            database = host.toLowerCase(Locale.ROOT).endsWith(".aivencloud.com") ? "defaultdb" : "postgres";
        }

        boolean pgbouncer = false;
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            String value = eq >= 0 ? decode(pair.substring(eq + 1)) : "";
            switch (key) {
                case "pgbouncer" -> pgbouncer = "true".equalsIgnoreCase(value);
                case "connect_timeout" -> props.put("connectTimeout", value);
                case "application_name" -> props.put("ApplicationName", value);
                case "sslrootcert" -> {
                    if ("system".equals(value)) {
                        props.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
                    } else {
                        props.put("sslrootcert", value);
                    }
                }
                default -> {
                    if (PASS_THROUGH.contains(key)) {
                        props.put(key, value);
                    }
                    // other libpq / ORM options (schema, connection_limit, ...) mean nothing to pgjdbc: dropped
                }
            }
        }
        boolean transactionPooler = pgbouncer || port == TRANSACTION_POOLER_PORT;
        if (transactionPooler) {
            props.putIfAbsent("prepareThreshold", "0");
        }
        props.putIfAbsent("ApplicationName", "spacegate");
        props.putIfAbsent("tcpKeepAlive", "true");
        props.putIfAbsent("connectTimeout", "10");

        String mode = props.getOrDefault("sslmode", "");
        if ((mode.equals("verify-ca") || mode.equals("verify-full")) && !props.containsKey("sslrootcert")) {
            if (caPem.isPresent()) {
                props.put("sslrootcert", writeCa(caPem.get(), caDir).toString());
            } else if (caFile.isPresent()) {
                props.put("sslrootcert", caFile.get().toString());
            }
        }
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + encodePath(database);
        return new PostgresTarget(url, host, port, database, props, transactionPooler);
    }

    private static Path writeCa(String pem, Path dir) {
        try {
            Path base = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            Path file;
            try {
                file = Files.createTempFile(base, "pg-ca-", ".pem",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                file = Files.createTempFile(base, "pg-ca-", ".pem");
            }
            Files.writeString(file, pem.replace("\\n", "\n"), StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new PersistenceException(Code.INVALID_SETTINGS, "could not write PGSTORE_CA_PEM to a file: "
                    + e.getClass().getSimpleName());
        }
    }

    /** Percent-decoding that, unlike URLDecoder, keeps '+' as '+' (passwords contain it). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '%' && i + 2 < b.length && hex(b[i + 1]) >= 0 && hex(b[i + 2]) >= 0) {
                out.write(hex(b[i + 1]) * 16 + hex(b[i + 2]));
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        return Character.digit((char) c, 16);
    }

    private static String encodePath(String db) {
        StringBuilder sb = new StringBuilder();
        for (byte c : db.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                    || c == '.') {
                sb.append((char) c);
            } else {
                sb.append('%').append(String.format("%02X", c & 0xff));
            }
        }
        return sb.toString();
    }

    private static PersistenceException invalid(String message) {
        return new PersistenceException(Code.INVALID_DSN, message);
    }
}
