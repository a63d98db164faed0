package dev.spacegate.server.web;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** The one shared Jackson mapper and JSON response helpers for built-in handlers. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** Sends a JSON body with a status. */
    public static void send(ServerResponse res, int status, JsonNode body) {
        res.status(Status.create(status));
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(body.toString().getBytes(StandardCharsets.UTF_8));
    }
}
