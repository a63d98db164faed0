package dev.spacegate.server.routing;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest {

    /** profile, request path (raw), owner, path handed to the owner or "redirect:LOCATION". */
    @ParameterizedTest(name = "{0} {1} -> {2} {3}")
    @CsvSource(delimiter = '|', textBlock = """
            bundled | /                                    | panel   | /
            bundled | /management.html                     | panel   | /management.html
            bundled | /cpm                                 | panel   | redirect:/cpm/
            bundled | /cpm/                                | panel   | /cpm/
            bundled | /cpm/app.js                          | gateway | /app.js
            bundled | /cpm/management.html                 | panel   | /management.html
            bundled | /cpm/health                          | manager | /health
            bundled | /cpm/v0/management/usage             | manager | /v0/management/usage
            bundled | /cpm/../v0/management/usage          | manager | /v0/management/usage
            bundled | /cpm/%2e%2e/v0/management/config     | manager | /v0/management/config
            bundled | /panel/v1/app.js                     | panel   | /panel/v1/app.js
            bundled | /health                              | manager | /health
            bundled | /status                              | manager | /status
            bundled | /setup                               | manager | /setup
            bundled | /usage-service/info                   | manager | /usage-service/info
            bundled | /usage-service/config                | manager | /usage-service/config
            bundled | /v0/management/usage                 | manager | /v0/management/usage
            bundled | /v0/management/usage/export          | manager | /v0/management/usage/export
            bundled | /v0/management/usage/import          | manager | /v0/management/usage/import
            bundled | /v0/management/usage-queue           | gateway | /v0/management/usage-queue
            bundled | //v0//management/usage-queue         | gateway | /v0/management/usage-queue
            bundled | /v0/management/model-prices          | manager | /v0/management/model-prices
            bundled | /v0/management/model-prices/sync     | manager | /v0/management/model-prices/sync
            bundled | /v0/management/api-key-aliases       | manager | /v0/management/api-key-aliases
            bundled | /v0/management/api-key-aliases/abc   | manager | /v0/management/api-key-aliases/abc
            bundled | /v0/management/dashboard/summary     | manager | /v0/management/dashboard/summary
            bundled | /v0/management/monitoring/analytics  | manager | /v0/management/monitoring/analytics
            bundled | /v0/management/config                | manager | /v0/management/config
            bundled | /v0/management/config.yaml           | manager | /v0/management/config.yaml
            bundled | /v0/management/debug                 | manager | /v0/management/debug
            bundled | /v0/management/auth-files            | gateway | /v0/management/auth-files
            bundled | /v0/management/auth-files/download   | gateway | /v0/management/auth-files/download
            bundled | /v0/management/get-auth-status       | gateway | /v0/management/get-auth-status
            bundled | /v0/management/oauth-callback        | gateway | /v0/management/oauth-callback
            bundled | /v0/management/codex-auth-url        | gateway | /v0/management/codex-auth-url
            bundled | /v0/management/kimi-auth-url         | gateway | /v0/management/kimi-auth-url
            bundled | /v0/management/api-keys              | manager | /v0/management/api-keys
            bundled | /v1/chat/completions                 | gateway | /v1/chat/completions
            bundled | /v1/responses                        | gateway | /v1/responses
            bundled | /v1beta/models/gemini-2.5-pro:generateContent | gateway | /v1beta/models/gemini-2.5-pro:generateContent
            bundled | /backend-api/codex/responses         | gateway | /backend-api/codex/responses
            bundled | /healthz                             | gateway | /healthz
            bundled | /codex/callback                      | gateway | /codex/callback
            bundled | /anthropic/callback                  | gateway | /anthropic/callback
            bundled | /google/callback                     | gateway | /google/callback
            bundled | /antigravity/callback                | gateway | /antigravity/callback
            bundled | /anything/else                       | gateway | /anything/else
            cpa-manager | /                                | gateway | /
            cpa-manager | /management.html                 | gateway | /management.html
            cpa-manager | /cpm                             | manager | redirect:/cpm/
            cpa-manager | /cpm/                            | manager | /management.html
            cpa-manager | /cpm/app.js                      | manager | /app.js
            cpa-manager | /cpm/assets/index.css            | manager | /assets/index.css
            cpa-manager | /health                          | manager | /health
            cpa-manager | /status                          | manager | /status
            cpa-manager | /setup                           | manager | /setup
            cpa-manager | /usage-service/info              | manager | /usage-service/info
            cpa-manager | /v0/management/usage             | manager | /v0/management/usage
            cpa-manager | /v0/management/usage/export      | manager | /v0/management/usage/export
            cpa-manager | /v0/management/usage/import      | manager | /v0/management/usage/import
            cpa-manager | /v0/management/usage/other       | gateway | /v0/management/usage/other
            cpa-manager | /v0/management/usage-queue       | gateway | /v0/management/usage-queue
            cpa-manager | /v0/management/model-prices      | manager | /v0/management/model-prices
            cpa-manager | /v0/management/model-prices/sync | manager | /v0/management/model-prices/sync
            cpa-manager | /v0/management/dashboard/summary | gateway | /v0/management/dashboard/summary
            cpa-manager | /v0/management/config            | gateway | /v0/management/config
            cpa-manager | /v1/chat/completions             | gateway | /v1/chat/completions
            cpa-manager | /healthz                         | gateway | /healthz
            cpa-manager | /cpm/../v0/management/usage      | manager | /v0/management/usage
            cpamp | /                                      | manager | redirect:/management.html
            cpamp | /management.html                       | manager | /management.html
            cpamp | /health                                | manager | /health
            cpamp | /status                                | manager | /status
            cpamp | /setup                                 | manager | /setup
            cpamp | /usage-service/config                  | manager | /usage-service/config
            cpamp | /v0/management/usage                   | manager | /v0/management/usage
            cpamp | /v0/management/usage-queue             | manager | /v0/management/usage-queue
            cpamp | /v0/management/model-prices/sync       | manager | /v0/management/model-prices/sync
            cpamp | /v0/management/auth-files              | manager | /v0/management/auth-files
            cpamp | /v0/resource/plugins/x/index.js        | manager | /v0/resource/plugins/x/index.js
            cpamp | /models                                | manager | /models
            cpamp | /v1/models                             | gateway | /v1/models
            cpamp | /v1beta/models                         | gateway | /v1beta/models
            cpamp | /backend-api/codex/responses           | gateway | /backend-api/codex/responses
            cpamp | /api/provider/x                        | gateway | /api/provider/x
            cpamp | /healthz                               | gateway | /healthz
            cpamp | /codex/callback                        | gateway | /codex/callback
            cpamp | /cpm/                                  | gateway | /cpm/
            cpamp | /cpm                                   | gateway | /cpm
            cpamp | /cpm/app.js                            | gateway | /cpm/app.js
            cpamp | /unknown                               | gateway | /unknown
            """)
    void ownerOfEveryRule(String profile, String raw, String owner, String expected) {
        RouteTable table = RouteTable.profile(profile);
        String path = PathNormalizer.normalize(raw).orElseThrow();
        RouteTable.Decision d = table.decide(path);
        assertEquals(owner, d.owner(), () -> profile + " " + raw + " matched " + d.matched());
        if (expected.startsWith("redirect:")) {
            assertEquals(expected.substring(9), d.redirect().orElse("(none)"));
        } else {
            assertTrue(d.redirect().isEmpty(), "unexpected redirect");
            assertEquals(expected, d.targetPath());
        }
    }

    @Test
    void exactBeatsPrefixAndLongestPrefixWins() {
        RouteTable t = RouteTable.profile("bundled");
        assertEquals(RouteRule.Match.EXACT, t.decide("/v0/management/usage-queue").rule().match());
        assertEquals("/v0/management/usage/", t.decide("/v0/management/usage/x").rule().pattern());
        assertEquals("/v0/management/", t.decide("/v0/management/usagex").rule().pattern());
    }

    @Test
    void anExternalGatewayInBundledKeepsItsConfigApi() {
        RouteTable t = RouteTable.profile("bundled", true);
        assertEquals(RouteTable.GATEWAY, t.decide("/v0/management/config").owner());
        assertEquals(RouteTable.GATEWAY, t.decide("/v0/management/api-keys").owner());
        assertEquals(RouteTable.MANAGER, t.decide("/v0/management/usage").owner());
        assertEquals(RouteTable.MANAGER, t.decide("/v0/management/model-prices").owner());
        assertEquals(RouteTable.MANAGER, RouteTable.profile("bundled", false).decide("/v0/management/config").owner());
    }

    @Test
    void stripAndRouteAgainRecordsBothRules() {
        RouteTable.Decision d = RouteTable.profile("bundled").decide("/cpm/v0/management/usage-queue");
        assertEquals(List.of("prefix /cpm/", "exact /v0/management/usage-queue"),
                d.matched().stream().map(RouteRule::describe).toList());
    }

    @Test
    void everyProfileEndsInExactlyOneFallback() {
        for (String name : RouteTable.PROFILE_NAMES) {
            long fallbacks = RouteTable.profile(name).rules().stream()
                    .filter(r -> r.match() == RouteRule.Match.FALLBACK).count();
            assertEquals(1, fallbacks, name);
        }
    }

    @Test
    void unknownProfileNamesTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RouteTable.profile("caddy"));
        assertTrue(e.getMessage().contains("bundled, cpa-manager, cpamp"), e.getMessage());
    }
}
