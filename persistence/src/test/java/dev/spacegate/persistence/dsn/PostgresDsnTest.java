package dev.spacegate.persistence.dsn;

import dev.spacegate.persistence.PersistenceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DSN conversion for the strings Aiven, Supabase and libpq tools print. */
class PostgresDsnTest {

    @Test
    void aivenServiceUri() {
        PostgresTarget t = PostgresDsn.parse(
                "postgres://avnadmin:test-pw-not-secret@pg-spacegate-demo.b.aivencloud.com:21834/defaultdb?sslmode=require");
        assertEquals("jdbc:postgresql://pg-spacegate-demo.b.aivencloud.com:21834/defaultdb", t.jdbcUrl());
        assertEquals("avnadmin", t.properties().get("user"));
        assertEquals("test-pw-not-secret", t.properties().get("password"));
        assertEquals("require", t.properties().get("sslmode"));
        assertFalse(t.transactionPooler());
        assertFalse(t.properties().containsKey("prepareThreshold"));
        assertFalse(t.jdbcUrl().contains("test-pw-not-secret"), "credentials never go into the URL");
        assertFalse(t.toString().contains("test-pw-not-secret"));
        assertFalse(t.describe().contains("test-pw-not-secret"));
    }

    @Test
    void supabaseSessionPooler() {
        PostgresTarget t = PostgresDsn.parse(
                "postgresql://postgres.abcdefghijklmnop:test-pw-not-secret@aws-0-eu-central-1.pooler.supabase.com:5432/postgres");
        assertEquals("jdbc:postgresql://aws-0-eu-central-1.pooler.supabase.com:5432/postgres", t.jdbcUrl());
        assertEquals("postgres.abcdefghijklmnop", t.properties().get("user"));
        assertFalse(t.transactionPooler());
        assertFalse(t.properties().containsKey("prepareThreshold"), "session mode keeps prepared statements");
    }

    @Test
    void supabaseTransactionPoolerDisablesPreparedStatements() {
        PostgresTarget t = PostgresDsn.parse(
                "postgres://postgres.abcdefghijklmnop:test-pw-not-secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres");
        assertTrue(t.transactionPooler());
        assertEquals("0", t.properties().get("prepareThreshold"));

        PostgresTarget bouncer = PostgresDsn.parse(
                "postgresql://u:p@db.example.com:5432/app?pgbouncer=true&connection_limit=1&sslmode=require");
        assertTrue(bouncer.transactionPooler());
        assertEquals("0", bouncer.properties().get("prepareThreshold"));
        assertFalse(bouncer.properties().containsKey("pgbouncer"), "ORM-only options are dropped");
        assertFalse(bouncer.properties().containsKey("connection_limit"));
    }

    @Test
    void ipv6Host() {
        PostgresTarget t = PostgresDsn.parse("postgresql://postgres:pw@[2001:db8::5]:5432/postgres");
        assertEquals("[2001:db8::5]", t.host());
        assertEquals("jdbc:postgresql://[2001:db8::5]:5432/postgres", t.jdbcUrl());
        PostgresTarget noPort = PostgresDsn.parse("postgresql://postgres:pw@[::1]/db");
        assertEquals(5432, noPort.port());
        assertEquals("[::1]:5432", noPort.hostPort());
    }

    @Test
    void urlEncodedAndRawSpecialPasswords() {
        PostgresTarget t = PostgresDsn.parse("postgres://user:p%40ss%3Aw%2Ford+x%25@host:5432/db");
        assertEquals("p@ss:w/ord+x%", t.properties().get("password"), "'+' stays '+' (not form decoding)");
        PostgresTarget raw = PostgresDsn.parse("postgres://user:p@ss@host:5432/db");
        assertEquals("p@ss", raw.properties().get("password"), "unencoded '@' in the password still works");
        assertEquals("host", raw.host());
    }

    @Test
    void missingPortOrDatabase() {
        PostgresTarget noPort = PostgresDsn.parse("postgres://u:p@db.example.com/app");
        assertEquals(5432, noPort.port());
        assertEquals("app", noPort.database());
        PostgresTarget noDb = PostgresDsn.parse("postgres://u:p@db.example.com:5433");
        assertEquals("postgres", noDb.database());
        PostgresTarget aivenNoDb = PostgresDsn.parse("postgres://u:p@pg-x.aivencloud.com:12345/");
        assertEquals("defaultdb", aivenNoDb.database());
    }

    @Test
    void libpqOptionsAreMapped() {
        PostgresTarget t = PostgresDsn.parse(
                "postgres://u:p@h:5432/d?connect_timeout=7&application_name=me&sslrootcert=system&sslmode=verify-full");
        assertEquals("7", t.properties().get("connectTimeout"));
        assertEquals("me", t.properties().get("ApplicationName"));
        assertEquals("org.postgresql.ssl.DefaultJavaSSLFactory", t.properties().get("sslfactory"));
        assertEquals("verify-full", t.properties().get("sslmode"));
    }

    @Test
    void verifyFullWritesTheCaPemToAPrivateFile() throws Exception {
        Path dir = Files.createTempDirectory("sg-ca-");
        String pem = "-----BEGIN CERTIFICATE-----\nTUlJQ-test-not-a-real-cert\n-----END CERTIFICATE-----\n";
        PostgresTarget t = PostgresDsn.parse("postgres://u:p@h:5432/d?sslmode=verify-full", Optional.of(pem),
                Optional.empty(), dir);
        Path ca = Path.of(t.properties().get("sslrootcert"));
        assertEquals(pem, Files.readString(ca));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(ca)));
        PostgresTarget fromFile = PostgresDsn.parse("postgres://u:p@h:5432/d?sslmode=verify-ca", Optional.empty(),
                Optional.of(Path.of("/etc/ca.pem")), dir);
        assertEquals("/etc/ca.pem", fromFile.properties().get("sslrootcert"));
    }

    @Test
    void badDsnsAreClearErrors() {
        for (String bad : new String[] {"", "mysql://u:p@h/d", "postgres://u:p@:5432/d", "postgres://u:p@h:port/d",
                                        "postgres://u:p@[::1/d", "postgres://u:p@h:99999/d"}) {
            PersistenceException e = assertThrows(PersistenceException.class, () -> PostgresDsn.parse(bad), bad);
            assertEquals(PersistenceException.Code.INVALID_DSN, e.code());
            assertFalse(e.getMessage().contains(":p@"), "the message does not echo credentials");
        }
    }
}
