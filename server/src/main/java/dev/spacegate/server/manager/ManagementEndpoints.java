package dev.spacegate.server.manager;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import dev.spacegate.server.manager.setup.ManagementKeys;
import dev.spacegate.server.routing.Endpoints;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** Serves an endpoint table of the management API: the management key first, 405 with Allow, refusals as envelopes. */
public final class ManagementEndpoints {
    private ManagementEndpoints() {
    }

    /**
     * Answers {@code path} from {@code endpoints} behind the management key.
     *
     * @return false when the path is not in the table (the caller answers it), true when answered
     */
    public static boolean serve(Endpoints endpoints, ManagementKeys keys, ServerRequest req, ServerResponse res,
            String path) throws Exception {
        Method method = req.prologue().method();
        Endpoints.Lookup lookup = endpoints.lookup(method, path);
        if (lookup instanceof Endpoints.Lookup.NotFound) {
            return false;
        }
        if (!keys.admit(req, res)) {
            return true;
        }
        try {
            switch (lookup) {
                case Endpoints.Lookup.Found f -> f.handler().handle(new Endpoints.Call(req, res, path, f.params()));
                case Endpoints.Lookup.WrongMethod w -> {
                    res.header(HeaderNames.ALLOW, String.join(", ", w.allowed().stream().map(Method::text)
                            .distinct().toList()));
                    ErrorFamily.MANAGEMENT.send(res, ClientError.of(405, "method_not_allowed", "method "
                            + method.text() + " is not allowed on " + path));
                }
                case Endpoints.Lookup.NotFound n -> {
                    return false;
                }
            }
        } catch (ApiError.Failure f) {
            f.send(res);
        }
        return true;
    }
}
