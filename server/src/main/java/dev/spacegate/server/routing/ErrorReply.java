package dev.spacegate.server.routing;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Router-level errors (bad path, too large, upstream down) as JSON in the OpenAI-style envelope. */
public final class ErrorReply {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorReply() {
    }

    /** Sends {@code {"error":{"message","type","code","owner"}}} with the given status. */
    public static void send(ServerResponse res, int status, String type, String code, String message, String owner) {
        ObjectNode err = JSON.createObjectNode();
        ObjectNode e = err.putObject("error");
        e.put("message", message);
        e.put("type", type);
        e.put("code", code);
        if (owner != null) {
            e.put("owner", owner);
        }
        res.status(Status.create(status));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.headers().remove(HeaderNames.CONTENT_ENCODING);
        res.send(err.toString().getBytes(StandardCharsets.UTF_8));
    }
}
