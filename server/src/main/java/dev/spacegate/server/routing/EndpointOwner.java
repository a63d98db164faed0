package dev.spacegate.server.routing;

import dev.spacegate.server.web.ClientError;
import java.util.List;
import java.util.stream.Collectors;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** A built-in owner made of an {@link Endpoints} table and the owner's own "not found" answer. */
public final class EndpointOwner implements RouteOwner {

    /** Answers a path the owner does not serve (or a method it does not allow) in the owner's error format. */
    @FunctionalInterface
    public interface Refusal {
        void send(ServerResponse res, ClientError error);
    }

    private final Endpoints endpoints;
    private final Refusal refusal;

    public EndpointOwner(Endpoints endpoints, Refusal refusal) {
        this.endpoints = endpoints;
        this.refusal = refusal;
    }

    @Override
    public boolean serves(Method method, String path) {
        return endpoints.lookup(method, path) instanceof Endpoints.Lookup.Found;
    }

    @Override
    public List<String> endpoints() {
        return endpoints.describe();
    }

    @Override
    public void serve(ServerRequest req, ServerResponse res, String path) throws Exception {
        Method method = req.prologue().method();
        switch (endpoints.lookup(method, path)) {
            case Endpoints.Lookup.Found f -> f.handler().handle(new Endpoints.Call(req, res, path, f.params()));
            case Endpoints.Lookup.WrongMethod w -> {
                res.header(HeaderNames.ALLOW, w.allowed().stream().map(Method::text).distinct()
                        .collect(Collectors.joining(", ")));
                refusal.send(res, ClientError.of(405, "method_not_allowed",
                        "method " + method.text() + " is not allowed on " + path));
            }
            case Endpoints.Lookup.NotFound n ->
                    refusal.send(res, ClientError.of(404, "not_found", "no route for " + path));
        }
    }
}
