package dev.spacegate.server.gateway.oauth;

import static dev.spacegate.server.gateway.oauth.OAuthTesting.fields;
import static dev.spacegate.server.gateway.oauth.OAuthTesting.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;
import dev.spacegate.server.replica.ReplicaSettings;
import dev.spacegate.server.replica.Replicas;

/**
 * Two replicas on one PostgreSQL follow each other's changes: an auth file stored through A is served by B, and when
 * A's refresh is rejected (invalid_grant) B sets the auth file aside too, without trying the rejected token itself.
 */
class RejectedLoginAcrossReplicasTest {

    @Test
    void anAuthFileRejectedOnOneReplicaIsSetAsideByTheOther() throws Exception {
        String url = Optional.ofNullable(System.getenv("PG_TEST_URL")).filter(s -> !s.isBlank()).orElse(null);
        Assumptions.assumeTrue(url != null, "PG_TEST_URL is not set");
        String schema = "rejected_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        ReplicaSettings listen = new ReplicaSettings(Optional.of(true), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(15));
        try (FakeProvider fake = new FakeProvider();
             Persistence pa = RefreshAcrossReplicasTest.open(url, schema, Files.createTempDirectory("rejected-a"));
             Persistence pb = RefreshAcrossReplicasTest.open(url, schema, Files.createTempDirectory("rejected-b"));
             GatewayHarness a = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 3600)), CooldownStore.none());
             GatewayHarness b = new GatewayHarness(Yaml.tree(OAuthTesting.config(fake, 3600)), CooldownStore.none())) {
            Path authDir = Path.of("/data/cli-proxy-api");
            AuthFiles ra = a.gateway.attachAuthStore(pa.auths(), RefreshLock.of(pa.database()), authDir);
            AuthFiles rb = b.gateway.attachAuthStore(pb.auths(), RefreshLock.of(pb.database()), authDir);
            try (Replicas sa = Replicas.start(pa.changes(), listen, pa.changes().latestId(), null, null, a.gateway);
                 Replicas sb = Replicas.start(pb.changes(), listen, pb.changes().latestId(), null, null, b.gateway)) {
                fake.invalidGrantFor.add("revoked-refresh-not-secret");
                ra.store().put("codex-rejected.json", file("codex", fake.issueValid("old-access-not-secret"),
                        "revoked-refresh-not-secret", Instant.now().plus(Duration.ofMinutes(1)),
                        fields().put("prefix", "rj")));
                OAuthTesting.await(Duration.ofSeconds(2), () -> rb.registry().entries().size() == 1,
                        "B serves the new file");

                ra.refresher().refreshDue(); // rejected: invalid_grant
                assertTrue(ra.registry().entries().isEmpty(), "A set the auth file aside");
                long t0 = System.nanoTime();
                OAuthTesting.await(Duration.ofSeconds(2), () -> rb.registry().entries().isEmpty(),
                        "B sets it aside too");
                System.out.println("rejected login reached the other replica in "
                        + (System.nanoTime() - t0) / 1_000_000 + " ms");
                assertEquals(1, fake.tokenRequests.stream()
                        .filter(f -> "revoked-refresh-not-secret".equals(f.get("refresh_token"))).count(),
                        "B never tried the rejected refresh token");
            }
        }
    }
}
