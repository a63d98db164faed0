package dev.spacegate.server.gateway.oauth;

import dev.spacegate.server.gateway.AuthSetup;

import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.JsonNode;

import dev.spacegate.persistence.Persistence;
import dev.spacegate.persistence.PersistenceSettings;
import dev.spacegate.server.gateway.pool.CooldownStore;
import dev.spacegate.server.gateway.support.GatewayHarness;
import dev.spacegate.server.gateway.support.Yaml;

/**
 * A gateway server process for restart tests: storage from the environment (as the real server reads it), the
 * auth store attached with {@link AuthSetup}, every provider pointed at {@code FAKE_URL}. Prints {@code PORT n}.
 */
public final class OAuthChild {
    private OAuthChild() {
    }

    public static void main(String[] args) throws Exception {
        Persistence p = Persistence.open(PersistenceSettings.fromEnv(System.getenv()));
        JsonNode config = Yaml.tree(OAuthTesting.config(System.getenv("FAKE_URL"), 3600)
                + "auth-dir: /nonexistent-spacegate-test/cli-proxy-api\n");
        GatewayHarness h = new GatewayHarness(config, CooldownStore.none());
        AuthSetup.attach(h.gateway, p, config, System.getenv());
        System.out.println("PORT " + h.server.port());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
