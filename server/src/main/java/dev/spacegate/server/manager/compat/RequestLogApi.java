package dev.spacegate.server.manager.compat;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.spacegate.server.routing.Endpoints;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;

/**
 * {@code GET /v0/management/request-log-by-id/:id}: the kept log of one request as text (see {@link RequestLogs});
 * 404 when it is not kept (request-log off, or too old).
 */
record RequestLogApi(RequestLogs logs) implements CompatApi.Part {
    @Override
    public void routes(Endpoints.Builder b) {
        b.get(CompatApi.BASE + "/request-log-by-id/{id}", c -> {
            Optional<String> text = logs.find(c.param("id"));
            if (text.isEmpty()) {
                ErrorFamily.MANAGEMENT.send(c.res(), ClientError.of(404, null,
                        "log file not found for the given request ID").with("message", logs.enabled()
                        ? "only the last " + RequestLogs.CAPACITY + " requests are kept"
                        : "request-log is off (PUT /v0/management/request-log {\"value\":true} keeps the next"
                        + " requests)"));
                return;
            }
            c.res().status(Status.OK_200);
            c.res().header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            c.res().send(text.get().getBytes(StandardCharsets.UTF_8));
        });
    }
}
