package dev.spacegate.server.manager.compat;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spacegate.server.Version;
import dev.spacegate.server.gateway.GatewayService;
import dev.spacegate.server.gateway.models.ModelRegistry;
import dev.spacegate.server.gateway.oauth.AuthFiles;
import dev.spacegate.server.gateway.pool.CooldownState;
import dev.spacegate.server.gateway.pool.Credential;
import dev.spacegate.server.manager.ApiError;
import dev.spacegate.server.manager.Requests;
import dev.spacegate.server.providers.OAuthProvider;
import dev.spacegate.server.routing.Endpoints;
import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerResponse;

/**
 * Management routes over the running gateway: {@code GET latest-version} (this build, no network call),
 * {@code GET model-definitions/:channel} (the models an auth file of a channel lists), {@code POST reset-quota}
 * ({@code {"auth_index"}} clears a credential's cooldowns) and {@code GET api-key-usage} (request counts per
 * API-key credential, grouped by provider, keyed {@code "base_url|api_key"} as in CLIProxyAPI).
 *
 * <pre>
 * curl -H "Authorization: Bearer $KEY" http://localhost:7860/v0/management/model-definitions/codex
 * curl -X POST -H "Authorization: Bearer $KEY" -d '{"auth_index":"1a2b3c4d5e6f7a8b"}' \
 *      http://localhost:7860/v0/management/reset-quota
 * </pre>
 */
record RuntimeApi(GatewayService gateway, RequestCounters counters) implements CompatApi.Part {
    @Override
    public void routes(Endpoints.Builder b) {
        b.get(CompatApi.BASE + "/latest-version", c -> Json.send(c.res(), 200,
                        Json.MAPPER.createObjectNode().put("latest-version", Version.current())))
                .get(CompatApi.BASE + "/model-definitions/{channel}", c -> definitions(c.res(), c.param("channel")))
                .get(CompatApi.BASE + "/model-definitions", c -> definitions(c.res(),
                        Requests.param(c.req(), "channel").orElse("")))
                .post(CompatApi.BASE + "/reset-quota", c -> resetQuota(Requests.json(c.req()), c.res()))
                .get(CompatApi.BASE + "/api-key-usage", c -> apiKeyUsage(c.res()));
    }

    /** The provider whose catalogue a CLIProxyAPI channel name means, if Spacegate has it. */
    static Optional<OAuthProvider> channel(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("codex-")) {
            n = "codex"; // codex-free, codex-plus, ...: one catalogue here
        } else if (n.equals("gemini") || n.equals("aistudio") || n.equals("gemini-cli")) {
            n = "vertex"; // the same Gemini models
        } else if (n.equals("anthropic")) {
            n = "claude";
        }
        return OAuthProvider.ofType(n);
    }

    private void definitions(ServerResponse res, String name) {
        if (name.isBlank()) {
            throw new ApiError.Failure(400, "invalid_request", "channel is required");
        }
        Optional<OAuthProvider> p = channel(name);
        if (p.isEmpty()) {
            ErrorFamily.MANAGEMENT.send(res, ClientError.of(400, null, "unknown channel")
                    .with("channel", name.trim().toLowerCase(Locale.ROOT)));
            return;
        }
        ObjectNode out = Json.MAPPER.createObjectNode().put("channel", name.trim().toLowerCase(Locale.ROOT));
        ArrayNode models = out.putArray("models");
        for (String id : p.get().catalog()) {
            models.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000L)
                    .put("owned_by", p.get().type()).put("type", p.get().type()).put("display_name", id);
        }
        Json.send(res, 200, out);
    }

    /** Every credential the gateway routes to now: config entries and auth files. */
    private List<Credential> credentials() {
        AuthFiles a = gateway.authFiles();
        return ModelRegistry.build(gateway.config(), a == null ? List.of() : a.registry().entries()).credentials();
    }

    private void resetQuota(JsonNode body, ServerResponse res) {
        String index = body.path("auth_index").asText(body.path("authIndex").asText("")).trim();
        if (index.isEmpty()) {
            throw new ApiError.Failure(400, "invalid_request", "auth_index is required");
        }
        if (credentials().stream().noneMatch(c -> c.authIndex().equals(index))) {
            throw new ApiError.Failure(404, "not_found", "auth not found");
        }
        List<CooldownState> before = gateway.pool().snapshot().stream()
                .filter(s -> s.authIndex().equals(index)).toList();
        gateway.pool().reset(index);
        ObjectNode out = Json.MAPPER.createObjectNode().put("status", "ok").put("auth_index", index);
        ArrayNode models = out.putArray("models");
        before.stream().map(CooldownState::model).filter(m -> m != null && !m.isEmpty()).distinct()
                .forEach(models::add);
        Json.send(res, 200, out);
    }

    private void apiKeyUsage(ServerResponse res) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        long now = gateway.pool().now().toEpochMilli();
        for (Credential c : ModelRegistry.build(gateway.config()).credentials()) {
            String provider = c.provider() == null || c.provider().isBlank() ? "unknown"
                    : c.provider().toLowerCase(Locale.ROOT);
            JsonNode group = out.get(provider);
            ObjectNode byKey = group instanceof ObjectNode o ? o : out.putObject(provider);
            String composite = c.baseUrl() + "|" + c.apiKey();
            ObjectNode entry = counters.entry(c.authIndex(), now);
            if (byKey.get(composite) instanceof ObjectNode seen) {
                RequestCounters.merge(seen, entry); // the same key twice: one entry, as CLIProxyAPI
            } else {
                byKey.set(composite, entry);
            }
        }
        Json.send(res, 200, out);
    }
}
