package dev.spacegate.server.manager.compat;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.util.List;

import dev.spacegate.server.routing.Endpoints;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerResponse;

/**
 * CLIProxyAPI management routes for features Spacegate does not have: {@code 501 {"error":"not_supported",
 * "message":...}} saying what to use instead, never a bare 404.
 */
final class NotSupported implements CompatApi.Part {
    private static final List<Method> ALL = List.of(Method.GET, Method.POST, Method.PUT, Method.PATCH,
            Method.DELETE);

    private record Route(String pattern, String message) {
    }

    private static final String PLUGINS = "Spacegate has no native plugins; change requests with `payload` rules"
            + " (PUT /v0/management/config.yaml) and see docs/migrating.md";
    private static final List<Route> ROUTES = List.of(
            new Route("/plugins", PLUGINS),
            new Route("/plugins/{id}", PLUGINS),
            new Route("/plugins/{id}/enabled", PLUGINS),
            new Route("/plugins/{id}/config", PLUGINS),
            new Route("/plugin-store", PLUGINS),
            new Route("/plugin-store/{id}/install", PLUGINS),
            new Route("/interactions-api-key", "the Interactions API is not served; put Gemini keys under"
                    + " /v0/management/gemini-api-key"),
            new Route("/xai-api-key", "xAI keys go under /v0/management/openai-compatibility with base-url"
                    + " https://api.x.ai/v1 (xAI speaks OpenAI chat completions); xAI accounts log in with"
                    + " /v0/management/xai-auth-url"),
            new Route("/vertex-api-key", "Vertex API keys are not served; upload a service-account JSON with"
                    + " POST /v0/management/vertex/import (or /v0/management/auth-files)"),
            new Route("/request-error-logs", "Spacegate writes no error log files; failed requests are in"
                    + " GET /v0/management/usage with their status and error body"),
            new Route("/request-error-logs/{name}", "Spacegate writes no error log files; failed requests are in"
                    + " GET /v0/management/usage with their status and error body"));

    @Override
    public boolean supported() {
        return false;
    }

    @Override
    public void routes(Endpoints.Builder b) {
        for (Route r : ROUTES) {
            for (Method m : ALL) {
                b.add(m, CompatApi.BASE + r.pattern(), c -> send(c.res(), r.message()));
            }
        }
    }

    static void send(ServerResponse res, String message) {
        // CLIProxyAPI's shape: the code in "error", the explanation beside it
        ErrorFamily.MANAGEMENT.send(res, ClientError.of(501, null, "not_supported").with("message", message));
    }
}
