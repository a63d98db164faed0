package dev.spacegate.server.gateway.oauth;

import static dev.spacegate.server.gateway.oauth.OAuthTesting.JSON;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.responses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

/**
 * Two gateways (separate pools, separate database connections) on one PostgreSQL share one auth file that is near
 * expiry: while both are busy, exactly one refresh reaches the token server and both go on with the new token.
 */
class RefreshAcrossReplicasTest {

    private static String pgUrl() {
        Optional<String> url = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank());
        if (url.isEmpty()) {
            String reason = "RefreshAcrossReplicasTest skipped: PG_TEST_URL is not set"
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
        return url.get();
    }

    static Persistence open(String url, String schema, Path dataDir) {
        Map<String, String> env = new HashMap<>();
        env.put("PGSTORE_DSN", url);
        env.put("PGSTORE_SCHEMA", schema);
        env.put("DATA_DIR", dataDir.toString());
        env.put("DATA_KEY", OAuthTesting.DATA_KEY);
        env.put("PGSTORE_CONNECT_WAIT_SECONDS", "5");
        return Persistence.open(PersistenceSettings.fromEnv(env));
    }

    @Test
    void exactlyOneReplicaRefreshesAndBothUseTheNewToken() throws Exception {
        String url = pgUrl();
        String schema = "oauth_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (FakeProvider fake = new FakeProvider();
             Persistence pa = open(url, schema, Files.createTempDirectory("replica-a"));
             Persistence pb = open(url, schema, Files.createTempDirectory("replica-b"));
             GatewayHarness a = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 3600)), CooldownStore.none());
             GatewayHarness b = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 3600)), CooldownStore.none())) {
            Path authDir = Path.of("/data/cli-proxy-api");
            String old = fake.issueValid("pg-old-not-secret");
            pa.auths().put("codex-pg.json", file("codex", old, "pg-refresh-not-secret",
                    Instant.now().plus(Duration.ofHours(1)), fields().put("prefix", "pg")));
            AuthFiles ra = a.gateway.attachAuthStore(pa.auths(), RefreshLock.of(pa.database()), authDir);
            AuthFiles rb = b.gateway.attachAuthStore(pb.auths(), RefreshLock.of(pb.database()), authDir);
            assertTrue(RefreshLock.of(pa.database()) instanceof RefreshLock.PgRefreshLock);
            // a provider that rotates: the old access token stops working once a refresh succeeded
            fake.refreshDelayMs = 300;
            fake.beforeRefreshAnswer = () -> fake.valid.remove(old);

            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
            List<Thread> busy = new ArrayList<>();
            for (GatewayHarness g : List.of(a, b, a, b)) {
                busy.add(Thread.ofVirtual().start(() -> {
                    while (!stop.get()) {
                        try {
                            statuses.add(g.postWithKey("/v1/responses", responses("pg/gpt-5")).statusCode());
                        } catch (Exception e) {
                            statuses.add(-1);
                        }
                    }
                }));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> refreshers = new ArrayList<>();
            for (AuthFiles r : List.of(ra, rb)) {
                refreshers.add(Thread.ofVirtual().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    r.refresher().refreshDue();
                }));
            }
            go.countDown();
            for (Thread t : refreshers) {
                t.join(30_000);
            }
            int afterRefresh = statuses.size();
            OAuthTesting.await(Duration.ofSeconds(10), () -> statuses.size() > afterRefresh + 8, "more traffic");
            stop.set(true);
            for (Thread t : busy) {
                t.join(30_000);
            }

            long refreshes = fake.tokenRequests.stream()
                    .filter(f -> "pg-refresh-not-secret".equals(f.get("refresh_token"))).count();
            assertEquals(1, refreshes, "exactly one refresh reached the token server");
            assertEquals(1, fake.refreshCalls.get());
            String fresh = JSON.readTree(pa.auths().get("codex-pg.json").orElseThrow()).path("access_token").asText();
            assertNotEquals(old, fresh);
            assertTrue(statuses.stream().allMatch(s -> s == 200), "every busy request succeeded: " + statuses);
            for (GatewayHarness g : List.of(a, b)) {
                assertEquals(200, g.postWithKey("/v1/responses", responses("pg/gpt-5")).statusCode());
                assertEquals(fresh, fake.calls.get(fake.calls.size() - 1).token());
            }
        }
    }
}
