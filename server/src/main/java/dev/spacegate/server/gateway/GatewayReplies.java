package dev.spacegate.server.gateway;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.spacegate.server.gateway.stream.HttpSink;
import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** The gateway's own HTTP answers (JSON, errors in the client's envelope) with its CORS headers. */
final class GatewayReplies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXPOSED_HEADERS = "Retry-After, X-Request-Id, " + HttpSink.OVERHEAD_HEADER;

    private final Supplier<List<String>> corsOrigins;

    /** @param corsOrigins the current config's {@code cors-origins} */
    GatewayReplies(Supplier<List<String>> corsOrigins) {
        this.corsOrigins = corsOrigins;
    }

    void cors(ServerRequest req, ServerResponse res) {
        List<String> origins = corsOrigins.get();
        String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
        if (origins.contains("*")) {
            res.header("Access-Control-Allow-Origin", "*");
        } else if (origin != null && origins.contains(origin)) {
            res.header("Access-Control-Allow-Origin", origin);
            res.header("Vary", "Origin");
        }
        res.header("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }

    void error(ServerRequest req, ServerResponse res, long start, ErrorFamily fam, int status, String code,
               String message) {
        cors(req, res);
        res.header(HttpSink.OVERHEAD_HEADER, Long.toString((System.nanoTime() - start) / 1_000_000));
        fam.send(res, ClientError.of(status, code, message));
    }

    void json(ServerRequest req, ServerResponse res, int status, JsonNode body) throws IOException {
        cors(req, res);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(JSON.writeValueAsBytes(body));
    }
}
