package dev.spacegate.server.manager;

import com.fasterxml.jackson.databind.JsonNode;

import dev.spacegate.server.web.ClientError;
import dev.spacegate.server.web.ErrorFamily;
import io.helidon.webserver.http.ServerResponse;

/** Management API refusals: handlers throw a {@link Failure}, answered in {@link ErrorFamily#MANAGEMENT}'s envelope. */
public final class ApiError {
    private ApiError() {
    }

    /** A refusal that handlers throw to end a request with an envelope (bad input, conflicts). */
    public static class Failure extends RuntimeException {
        private final transient ClientError error;
        private final transient JsonNode body;

        public Failure(int status, String code, String message) {
            this(status, code, message, null);
        }

        /**
         * A refusal whose body is a contract of its own ({@code body}, sent as it is) rather than the envelope.
         * Kept as data, not as an override of {@link #send}: one send for every refusal.
         */
        protected Failure(int status, String code, String message, JsonNode body) {
            super(message, null, false, false);
            this.error = ClientError.of(status, code, message);
            this.body = body;
        }

        public int status() {
            return error.status();
        }

        public String code() {
            return error.code();
        }

        /** Answers the request with this refusal. */
        public final void send(ServerResponse res) {
            if (body != null) {
                ErrorFamily.send(res, error.status(), body);
            } else {
                ErrorFamily.MANAGEMENT.send(res, error);
            }
        }
    }
}
