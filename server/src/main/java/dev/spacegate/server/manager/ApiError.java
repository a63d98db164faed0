package dev.spacegate.server.manager;

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

        public Failure(int status, String code, String message) {
            super(message, null, false, false);
            this.error = ClientError.of(status, code, message);
        }

        public int status() {
            return error.status();
        }

        public String code() {
            return error.code();
        }

        /** Answers the request with this refusal. */
        public void send(ServerResponse res) {
            ErrorFamily.MANAGEMENT.send(res, error);
        }
    }
}
