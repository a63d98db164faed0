package dev.spacegate.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {

    @Test
    void defaults() {
        ServerConfig c = ServerConfig.from(ServerConfig.parseYaml(""), Map.of(), Optional.empty());
        assertEquals("0.0.0.0", c.host());
        assertEquals(7860, c.port());
        assertEquals("bundled", c.routeProfile());
        assertEquals(100L * 1024 * 1024, c.maxBodyBytes());
        assertEquals(Duration.ofSeconds(3600), c.upstreamReadTimeout());
        assertTrue(c.gatewayUpstream().isEmpty());
    }

    @Test
    void fileUsesCliProxyApiKeysAndEnvironmentWins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                host: 127.0.0.1
                port: 8317
                route-profile: cpamp
                gateway-upstream: http://127.0.0.1:8317/
                max-body-size: 10MiB
                api-keys: [test-client-key]
                """);
        ServerConfig fromFile = ServerConfig.load(new String[]{"--config", file.toString()}, Map.of());
        assertEquals(8317, fromFile.port());
        assertEquals("127.0.0.1", fromFile.host());
        assertEquals("cpamp", fromFile.routeProfile());
        assertEquals(Optional.of("http://127.0.0.1:8317"), fromFile.gatewayUpstream());
        assertEquals(10L * 1024 * 1024, fromFile.maxBodyBytes());
        assertEquals("test-client-key", fromFile.document().get("api-keys").get(0).asText());

        ServerConfig env = ServerConfig.load(new String[0], Map.of("CONFIG_PATH", file.toString(),
                "PORT", "7860", "ROUTE_PROFILE", "cpa-manager"));
        assertEquals(7860, env.port());
        assertEquals("cpa-manager", env.routeProfile());
        assertEquals("127.0.0.1", env.host());
    }

    @Test
    void badValuesNameTheKey(@TempDir Path dir) throws Exception {
        assertThrows(ServerConfig.InvalidConfigException.class,
                () -> ServerConfig.load(new String[]{"--config", dir.resolve("missing.yaml").toString()}, Map.of()));
        var e = assertThrows(ServerConfig.InvalidConfigException.class,
                () -> ServerConfig.from(ServerConfig.parseYaml(""), Map.of("PORT", "http"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("port:"), e.getMessage());
        e = assertThrows(ServerConfig.InvalidConfigException.class,
                () -> ServerConfig.from(ServerConfig.parseYaml(""), Map.of("GATEWAY_UPSTREAM", "ftp://x"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("gateway-upstream:"), e.getMessage());
        e = assertThrows(ServerConfig.InvalidConfigException.class,
                () -> ServerConfig.from(ServerConfig.parseYaml(""), Map.of("MAX_BODY_SIZE", "lots"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("max-body-size:"), e.getMessage());
    }

    @Test
    void invalidYamlDoesNotEchoTheFile() {
        var e = assertThrows(ServerConfig.InvalidConfigException.class,
                () -> ServerConfig.parseYaml("api-keys: [sk-test-secret-value\nport: : :"));
        assertFalse(e.getMessage().contains("sk-test-secret-value"), e.getMessage());
    }
}
