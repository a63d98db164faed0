package dev.spacegate.server.manager;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerRequest;

/** Request helpers for manager handlers: JSON bodies and numeric query parameters, with 400s that say what is wrong. */
public final class Requests {
    private Requests() {
    }

    /** The body as JSON; an empty body is an empty object. */
    public static JsonNode json(ServerRequest req) {
        String text = req.content().hasEntity() ? req.content().as(String.class) : "";
        if (text.isBlank()) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ApiError.Failure(400, "invalid_json", "the request body is not valid JSON");
        }
    }

    /** A query parameter as a long, if present. */
    public static Optional<Long> longParam(ServerRequest req, String name) {
        Optional<String> v = req.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.get()));
        } catch (NumberFormatException e) {
            throw new ApiError.Failure(400, "invalid_parameter", name + " must be a whole number");
        }
    }

    /** A query parameter as text, if present and not blank. */
    public static Optional<String> param(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(String::trim).filter(s -> !s.isEmpty());
    }
}
