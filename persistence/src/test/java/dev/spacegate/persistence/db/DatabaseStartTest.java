package dev.spacegate.persistence.db;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.dsn.PostgresDsn;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up failures are clear, bounded and never echo the password. */
class DatabaseStartTest {

    @Test
    void unreachableHostRetriesForABoundedTimeThenNamesHostAndPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again below: nothing listens there
        }
        long start = System.nanoTime();
        PersistenceException e = assertThrows(PersistenceException.class, () -> Database.postgres(
                PostgresDsn.parse("postgres://u:test-pw-not-secret@127.0.0.1:" + port + "/d"), "public", 1,
                Duration.ofSeconds(2)));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(Code.UNREACHABLE, e.code());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("firewall"), e.getMessage());
        assertFalse(e.getMessage().contains("test-pw-not-secret"));
        assertTrue(tookMs >= 1000 && tookMs < 10_000, "retried for about the start window, took " + tookMs + " ms");
    }

    @Test
    void rejectedCredentialsFailAtOnce() {
        String url = TestPg.requireUrl("DatabaseStartTest");
        String base = url.substring(0, url.indexOf('?'));
        long start = System.nanoTime();
        PersistenceException e = assertThrows(PersistenceException.class, () -> Database.postgres(
                PostgresDsn.parse(base + "?user=no_such_role_sg&password=test-pw-not-secret"), "public", 1,
                Duration.ofSeconds(30)));
        assertEquals(Code.AUTH_FAILED, e.code());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "no retry storm");
        assertFalse(e.getMessage().contains("test-pw-not-secret"));

        PersistenceException noDb = assertThrows(PersistenceException.class, () -> Database.postgres(
                PostgresDsn.parse(base.substring(0, base.lastIndexOf('/')) + "/no_such_db_sg?user=postgres"), "public",
                1, Duration.ofSeconds(30)));
        assertEquals(Code.INVALID_SETTINGS, noDb.code());
    }

    @Test
    void badSchemaNameIsRefused() {
        PersistenceException e = assertThrows(PersistenceException.class, () -> Database.postgres(
                PostgresDsn.parse("postgres://u:p@127.0.0.1:1/d"), "x\"; drop", 1, Duration.ofSeconds(1)));
        assertEquals(Code.INVALID_SETTINGS, e.code());
    }
}
