package dev.spacegate.server.manager;

import dev.spacegate.server.web.Json;
import io.helidon.webserver.http.ServerResponse;

/** The manager's error envelope {@code {"error":"<message>","code":"<code>"}} (CPA-Manager-Plus compatible). */
public final class ApiError {
    private ApiError() {
    }

    /** Sends the envelope with a status. */
    public static void send(ServerResponse res, int status, String code, String message) {
        Json.send(res, status, Json.MAPPER.createObjectNode().put("error", message).put("code", code));
    }

    /** A refusal that handlers throw to end a request with an envelope (bad input, conflicts). */
    public static class Failure extends RuntimeException {
        private final int status;
        private final String code;

        public Failure(int status, String code, String message) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        /** Answers the request with this refusal. */
        public void send(ServerResponse res) {
            ApiError.send(res, status, code, getMessage());
        }
    }
}
