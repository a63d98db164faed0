package dev.spacegate.persistence.auth;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.PersistenceException.Code;
import dev.spacegate.persistence.TestPg;
import dev.spacegate.persistence.seal.SecretBox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The git auth store against a real smart-HTTP git server with basic auth on loopback, with concurrent writers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitAuthStoreTest {
    private static final String USER = "tester";
    private static final String TOKEN = "test-token-not-secret";
    private static final String MARKER = "refresh-token-not-secret";

    private Path tmp;
    private GitHttpServer server;
    private final SecretBox box = SecretBox.fromText(TestPg.TEST_DATA_KEY, List.of());

    @BeforeAll
    void start() throws Exception {
        if (!GitHttpServer.available()) {
            String reason = "GitAuthStoreTest skipped: `git http-backend` is not installed (apt-get install git)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        tmp = Files.createTempDirectory("sg-git-");
        Files.createDirectories(tmp.resolve("server"));
        server = new GitHttpServer(tmp.resolve("server"), USER, TOKEN);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        TestPg.deleteTree(tmp);
    }

    private GitAuthStore open(String repo, String localName) {
        return GitAuthStore.open(new GitAuthStore.Remote(server.url(repo), USER, TOKEN, Optional.empty()),
                tmp.resolve(localName), box);
    }

    private static byte[] authJson(String email) {
        return ("{\"type\":\"codex\",\"email\":\"" + email + "\",\"refresh_token\":\"" + MARKER + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writesThroughSurvivesAFreshCloneAndKeepsOneCommit() throws Exception {
        server.createRepo("basic");
        try (GitAuthStore store = open("basic", "basic-a")) {
            assertTrue(store.list().isEmpty());
            for (int i = 0; i < 3; i++) {
                store.put("codex-u" + i + "@example.com.json", authJson("u" + i + "@example.com"));
            }
            assertTrue(store.delete("codex-u2@example.com.json"));
            assertFalse(store.delete("codex-u2@example.com.json"));
        }
        try (GitAuthStore fresh = open("basic", "basic-b")) {
            assertEquals(List.of("codex-u0@example.com.json", "codex-u1@example.com.json"),
                    fresh.list().stream().map(AuthFileInfo::name).toList());
            assertArrayEquals(authJson("u1@example.com"), fresh.get("codex-u1@example.com.json").orElseThrow());
        }
        assertEquals("1", server.git("basic", "rev-list", "--count", "main").trim(), "history is squashed");
        assertNoPlaintextInAnyObject("basic");
    }

    @Test
    void aConcurrentWriterLosesNothing() throws Exception {
        server.createRepo("shared");
        int pushesBefore = server.pushes.get();
        try (GitAuthStore a = open("shared", "shared-a"); GitAuthStore b = open("shared", "shared-b")) {
            a.put("a.json", authJson("a@example.com"));
            // b has not seen a's push: its lease fails, it fetches, re-applies and pushes on top
            b.put("b.json", authJson("b@example.com"));
            a.refresh();
            assertEquals(List.of("a.json", "b.json"), a.list().stream().map(AuthFileInfo::name).toList());

            // both writers at once, ten files each
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Callable<Void>> jobs = new ArrayList<>();
            for (GitAuthStore s : List.of(a, b)) {
                String who = s == a ? "a" : "b";
                jobs.add(() -> {
                    for (int i = 0; i < 10; i++) {
                        s.put(who + "-" + i + ".json", authJson(who + i + "@example.com"));
                    }
                    return null;
                });
            }
            for (Future<Void> f : pool.invokeAll(jobs)) {
                f.get();
            }
            pool.shutdown();
            b.delete("a.json");
            a.refresh();
            List<String> names = a.list().stream().map(AuthFileInfo::name).toList();
            assertEquals(21, names.size(), names.toString());
            assertFalse(names.contains("a.json"));
            assertArrayEquals(authJson("b9@example.com"), a.get("b-9.json").orElseThrow());
        }
        // 23 changes went in; at least b's first push was rejected by the lease and retried
        assertTrue(server.pushes.get() - pushesBefore > 23, "a rejected push was retried");
        assertEquals("1", server.git("shared", "rev-list", "--count", "main").trim());
        assertNoPlaintextInAnyObject("shared");
    }

    @Test
    void wrongTokenIsAClearErrorWithoutTheToken() throws Exception {
        server.createRepo("locked");
        PersistenceException e = assertThrows(PersistenceException.class, () -> GitAuthStore.open(
                new GitAuthStore.Remote(server.url("locked"), USER, "wrong-token-not-secret", Optional.empty()),
                tmp.resolve("locked"), box));
        assertEquals(Code.REMOTE_FAILED, e.code());
        assertTrue(e.getMessage().contains("credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-token-not-secret"));
    }

    @Test
    void neverWipesADirectoryItDidNotCreate() throws Exception {
        server.createRepo("guard");
        Path precious = tmp.resolve("precious");
        Files.createDirectories(precious);
        Files.writeString(precious.resolve("notes.txt"), "keep me");
        PersistenceException e = assertThrows(PersistenceException.class, () -> GitAuthStore.open(
                new GitAuthStore.Remote(server.url("guard"), USER, TOKEN, Optional.empty()), precious, box));
        assertEquals(Code.INVALID_SETTINGS, e.code());
        assertEquals("keep me", Files.readString(precious.resolve("notes.txt")));
        try (GitAuthStore first = open("guard", "guard-clone")) {
            first.put("g.json", authJson("g@example.com"));
        }
        try (GitAuthStore again = open("guard", "guard-clone")) { // its own earlier clone may be replaced
            assertTrue(again.get("g.json").isPresent());
        }
    }

    /** Every object in the server repository (reachable or not) is free of the plaintext marker. */
    private void assertNoPlaintextInAnyObject(String repo) throws Exception {
        String all = server.git(repo, "cat-file", "--batch-all-objects", "--batch");
        assertFalse(all.isEmpty());
        assertFalse(all.contains(MARKER), "auth file content must be sealed in git");
        assertFalse(all.contains("example.com\""), "auth file content must be sealed in git");
    }
}
